import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../gateway/ingest/embedded.ts';
import { makeTempDir } from '../helpers/tmp.ts';
import { baseTime, reading, storeContract } from './contract.ts';

storeContract('embedded', async () => {
  const dir = await makeTempDir('junxiu-embedded-');
  return { store: new EmbeddedStore({ dataDir: dir.path }), close: () => dir.remove() };
});

describe('embedded telemetry store on disk', () => {
  it('keeps readings in <dataDir>/telemetry.sqlite across a restart', async () => {
    const dir = await makeTempDir('junxiu-embedded-');
    try {
      const retiree = randomUUID();
      const t0 = baseTime();
      const first = new EmbeddedStore({ dataDir: dir.path });
      await first.start();
      await first.write([reading(retiree, t0, { hr: 77 })]);
      await first.stop();
      expect(existsSync(join(dir.path, 'telemetry.sqlite'))).toBe(true);

      const second = new EmbeddedStore({ dataDir: dir.path });
      await second.start();
      const series = await second.querySeries({
        retireeId: retiree,
        field: 'hr',
        from: t0,
        to: t0 + 1,
        every: 0,
      });
      await second.stop();
      expect(series).toStrictEqual([{ ts: t0, value: 77 }]);
    } finally {
      await dir.remove();
    }
  });
});
