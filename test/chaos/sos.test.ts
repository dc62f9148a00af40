/**
 * No SOS lost, none counted twice, while the hub is killed with SIGKILL and InfluxDB is stopped in
 * the middle of a stream of presses (sos.ts; `npm run chaos` runs the long version).
 */
import { describe, expect, it } from 'vitest';
import { influxdBinary } from '../helpers/influxd.ts';
import { runSosChaos } from './sos.ts';

describe.skipIf(!influxdBinary())('SOS presses through a hub kill and an InfluxDB outage', () => {
  it('records every press exactly once', async () => {
    const result = await runSosChaos({
      events: 400,
      devices: 10,
      rate: 80,
      hubKills: 1,
      influxOutages: 1,
      telemetryPerDevice: 1,
      seed: 7,
    });
    expect(result).toMatchObject({ sent: 400, acknowledged: 400, lost: 0, duplicates: 0, recorded: 400 });
    expect(result.alerts).toBe(10);
  }, 120_000);
});
