import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../gateway/ingest/spool.ts';
import { makeTempDir, type TempDir } from '../helpers/tmp.ts';
import { reading } from './contract.ts';

describe('telemetry spool', () => {
  let dir: TempDir;
  const batch = (first: number, count: number) =>
    Array.from({ length: count }, (_, i) =>
      reading('retiree-1', 1_000 * (first + i), { hr: 60 + first + i }),
    );

  beforeEach(async () => {
    dir = await makeTempDir('junxiu-spool-');
  });

  afterEach(async () => {
    await dir.remove();
  });

  it('gives batches back oldest first and forgets one only when removed', async () => {
    const spool = new Spool({ dir: join(dir.path, 'spool'), maxBytes: 1_000_000 });
    await spool.open();
    await spool.append(batch(0, 3));
    await spool.append(batch(3, 2));
    expect(spool.size).toBe(2);

    const first = await spool.oldest();
    expect(first?.points).toStrictEqual(batch(0, 3));
    expect(await spool.oldest()).toStrictEqual(first);
    await spool.remove(first?.name ?? '');

    expect((await spool.oldest())?.points).toStrictEqual(batch(3, 2));
    expect(spool.size).toBe(1);
  });

  it('writes each batch as a segment of JSON lines and counts its bytes', async () => {
    const spool = new Spool({ dir: join(dir.path, 'spool'), maxBytes: 1_000_000 });
    await spool.open();
    await spool.append(batch(0, 2));
    const [name] = await readdir(join(dir.path, 'spool'));
    const text = await readFile(join(dir.path, 'spool', name ?? ''), 'utf8');
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toStrictEqual(batch(0, 2));
    expect(spool.bytes).toBe(Buffer.byteLength(text));
  });

  it('refuses a batch that would pass its bound and keeps what it holds', async () => {
    const one = Buffer.byteLength(
      `${batch(0, 5)
        .map((p) => JSON.stringify(p))
        .join('\n')}\n`,
    );
    const spool = new Spool({ dir: join(dir.path, 'spool'), maxBytes: one * 2 + 10 });
    await spool.open();
    expect(await spool.append(batch(0, 5))).toBe(true);
    expect(await spool.append(batch(5, 5))).toBe(true);
    expect(await spool.append(batch(10, 5))).toBe(false);
    expect(spool.size).toBe(2);
    expect(spool.bytes).toBeLessThanOrEqual(spool.maxBytes);
  });

  it('finds its segments again after a restart, drops half-written files and numbers on', async () => {
    const path = join(dir.path, 'spool');
    const before = new Spool({ dir: path, maxBytes: 1_000_000 });
    await before.open();
    await before.append(batch(0, 1));
    await before.append(batch(1, 1));
    await writeFile(join(path, '0000000000000003.jsonl.tmp'), '{"torn');

    const after = new Spool({ dir: path, maxBytes: 1_000_000 });
    await after.open();
    expect(after.size).toBe(2);
    expect(after.bytes).toBe(before.bytes);
    await after.append(batch(2, 1));
    const names = await readdir(path);
    expect(names.sort()).toStrictEqual([
      '0000000000000001.jsonl',
      '0000000000000002.jsonl',
      '0000000000000003.jsonl',
    ]);
    const replayed = [];
    for (let segment = await after.oldest(); segment; segment = await after.oldest()) {
      replayed.push(...segment.points);
      await after.remove(segment.name);
    }
    expect(replayed).toStrictEqual(batch(0, 3));
    expect(after.isEmpty).toBe(true);
    expect(await readdir(path)).toStrictEqual([]);
  });
});
