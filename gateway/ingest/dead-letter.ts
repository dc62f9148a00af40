/**
 * Readings the telemetry store refused for what they are (HTTP 400: a field type conflict, a
 * malformed value) can never be written as they are, so they are not replayed; they are kept here
 * instead of being dropped, one JSON line each with when, which store and why, for a person to look
 * at (`<dataDir>/dead-letter/telemetry.jsonl`). The file is bounded; past the bound a reading is
 * dropped and counted as such.
 */
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Point } from './types.ts';

export interface DeadLetterEntry {
  /** ISO time the store refused it. */
  at: string;
  store: string;
  /** The store's answer: status and message. */
  status: number;
  reason: string;
  point: Point;
}

export class DeadLetterFile {
  readonly path: string;
  private bytes = 0;
  private opened = false;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    this.path = join(dir, 'telemetry.jsonl');
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.bytes = await stat(this.path).then(
      (info) => info.size,
      () => 0,
    );
    this.opened = true;
  }

  get size(): number {
    return this.bytes;
  }

  /** Appends the entries; resolves with how many were kept (the rest would pass the bound). */
  async add(entries: DeadLetterEntry[]): Promise<number> {
    if (!this.opened) await this.open();
    const lines: string[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const line = `${JSON.stringify(entry)}\n`;
      const length = Buffer.byteLength(line);
      if (this.bytes + bytes + length > this.maxBytes) break;
      lines.push(line);
      bytes += length;
    }
    if (lines.length === 0) return 0;
    await appendFile(this.path, lines.join(''), { flush: true });
    this.bytes += bytes;
    return lines.length;
  }
}
