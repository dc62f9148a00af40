/**
 * The progress line of a long run: connected devices, messages sent, acknowledgements received,
 * time elapsed. On a terminal it is redrawn in place and log lines are printed above it; in a log
 * file or a pipe it is one plain line every ten seconds.
 */
import type { FleetStats } from './fleet.ts';
import { formatDuration } from './scenarios.ts';

export function formatProgress(stats: FleetStats, elapsedMs: number): string {
  const parts = [
    `${formatDuration(elapsedMs)}`,
    `devices ${stats.connected}/${stats.devices} connected`,
    `sent ${stats.sent}`,
    `events ${stats.events}`,
    `acks ${stats.acks}`,
  ];
  if (stats.commands > stats.acks) parts.push(`other cmds ${stats.commands - stats.acks}`);
  if (stats.refused > 0) parts.push(`refused ${stats.refused}`);
  return parts.join(' · ');
}

export interface ProgressStream {
  write(text: string): boolean;
  isTTY?: boolean;
}

export interface ProgressOptions {
  stream: ProgressStream;
  read: () => { stats: FleetStats; elapsedMs: number };
  /** Redraw period on a terminal. */
  ttyEveryMs?: number;
  /** Period of a plain line when not on a terminal. */
  plainEveryMs?: number;
}

export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(private readonly options: ProgressOptions) {}

  private get tty(): boolean {
    return this.options.stream.isTTY === true;
  }

  start(): void {
    const every = this.tty ? (this.options.ttyEveryMs ?? 500) : (this.options.plainEveryMs ?? 10_000);
    this.timer = setInterval(() => this.draw(), every);
    this.timer.unref();
    if (this.tty) this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty && this.drawn) {
      this.draw();
      this.options.stream.write('\n');
      this.drawn = false;
    }
  }

  /** Prints a line without tearing the progress line apart. */
  log(line: string): void {
    if (this.tty && this.drawn) {
      this.options.stream.write(`\r\x1b[2K${line}\n`);
      this.draw();
    } else {
      this.options.stream.write(`${line}\n`);
    }
  }

  draw(): void {
    const { stats, elapsedMs } = this.options.read();
    const text = formatProgress(stats, elapsedMs);
    if (this.tty) {
      this.options.stream.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.options.stream.write(`${text}\n`);
    }
  }
}
