/**
 * No SOS lost, none counted twice, while the hub instances of a cluster are killed with SIGKILL in
 * the middle of a stream of presses through Mosquitto (cluster.ts; `npm run chaos -- --cluster`
 * runs the long version).
 */
import { describe, expect, it } from 'vitest';
import { runClusterChaos } from './cluster.ts';

describe('SOS presses through kills of the instances of a cluster', () => {
  it('records every press exactly once', async () => {
    const result = await runClusterChaos({
      events: 300,
      devices: 6,
      rate: 60,
      hubKills: 2,
      brokerRestarts: 0,
      seed: 5,
    });
    expect(result).toMatchObject({ sent: 300, acknowledged: 300, lost: 0, duplicates: 0, recorded: 300 });
    expect(result.alerts).toBe(6);
  }, 180_000);
});
