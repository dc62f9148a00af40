/**
 * A bounded on-disk queue of batches the store could not take. Each batch is one segment file of
 * JSON lines (one point a line), written to a temporary name, fsync'd, then renamed, so a segment is
 * either whole or absent after a crash. Segments are numbered; the oldest is replayed first and
 * deleted only after the store took it. Existing segments are found again when the hub restarts.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Point } from './types.ts';

export interface SpoolOptions {
  /** Folder of the segments, normally `<dataDir>/spool`. */
  dir: string;
  /** Most bytes the segments may take together; a batch that would pass it is refused. */
  maxBytes: number;
}

export interface SpoolSegment {
  /** File name inside the spool folder. */
  name: string;
  bytes: number;
  points: Point[];
}

const segmentPattern = /^(\d{16})\.jsonl$/;

export class Spool {
  readonly dir: string;
  readonly maxBytes: number;
  private segments: { name: string; bytes: number }[] = [];
  private totalBytes = 0;
  private nextSequence = 1;
  private opened = false;

  constructor(options: SpoolOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
  }

  /** Creates the folder, removes half-written temporary files and lists the segments left behind. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const found: { name: string; sequence: number; bytes: number }[] = [];
    for (const name of await readdir(this.dir)) {
      const match = segmentPattern.exec(name);
      if (match?.[1]) {
        const { size } = await stat(join(this.dir, name));
        found.push({ name, sequence: Number(match[1]), bytes: size });
      } else if (name.endsWith('.tmp')) {
        await unlink(join(this.dir, name));
      }
    }
    found.sort((a, b) => a.sequence - b.sequence);
    this.segments = found.map(({ name, bytes }) => ({ name, bytes }));
    this.totalBytes = found.reduce((sum, segment) => sum + segment.bytes, 0);
    this.nextSequence = (found.at(-1)?.sequence ?? 0) + 1;
    this.opened = true;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.segments.length;
  }

  get isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /**
   * Appends a batch as a new segment, durable when the promise resolves. Returns false, writing
   * nothing, when the segment would take the spool past `maxBytes`.
   */
  async append(points: Point[]): Promise<boolean> {
    this.assertOpen();
    if (points.length === 0) return true;
    const body = Buffer.from(`${points.map((point) => JSON.stringify(point)).join('\n')}\n`);
    if (this.totalBytes + body.length > this.maxBytes) return false;
    const name = `${String(this.nextSequence++).padStart(16, '0')}.jsonl`;
    const temporary = join(this.dir, `${name}.tmp`);
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, join(this.dir, name));
    this.syncFolder();
    this.segments.push({ name, bytes: body.length });
    this.totalBytes += body.length;
    return true;
  }

  /**
   * The oldest segment with its points. A segment that cannot be parsed is returned with the points
   * of its readable lines; only a crash mid-rename could make one, and the rest is still worth keeping.
   */
  async oldest(): Promise<SpoolSegment | undefined> {
    this.assertOpen();
    const first = this.segments[0];
    if (!first) return undefined;
    const text = await readFile(join(this.dir, first.name), 'utf8');
    const points: Point[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        points.push(JSON.parse(line) as Point);
      } catch {
        // A torn line carries no whole point; the others still count.
      }
    }
    return { name: first.name, bytes: first.bytes, points };
  }

  /** Deletes a segment after the store took its points. */
  async remove(name: string): Promise<void> {
    this.assertOpen();
    const index = this.segments.findIndex((segment) => segment.name === name);
    if (index < 0) return;
    const [segment] = this.segments.splice(index, 1);
    this.totalBytes -= segment?.bytes ?? 0;
    await unlink(join(this.dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** A rename is durable only once the folder entry is on disk. */
  private syncFolder(): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.dir, 'r');
      fsyncSync(fd);
    } catch {
      // Some file systems refuse fsync on a folder; the segment's own fsync still holds its data.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private assertOpen(): void {
    if (!this.opened) throw new Error('spool is not open');
  }
}
