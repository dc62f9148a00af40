/**
 * The broker's log, bounded per kind of line. What a device or a stranger on the network sends
 * decides how often the broker logs (a refused CONNECT, a rejected payload, a malformed packet), so
 * a guessing or fuzzing client could otherwise fill the disk with the same line. Each message text
 * may be written `perWindow` times per window; beyond that its lines are counted
 * (`hub_log_lines_suppressed_total{message}`) and one summary line per message says how many were
 * left out once its window is over. Message texts are the code's own, so the label set is bounded.
 */
import promClient, { type Counter, type Registry } from 'prom-client';
import type { Logger } from '../observe.ts';

type Level = 'info' | 'warn' | 'error';

export interface LogLimits {
  /** Lines of one message written per window. */
  perWindow: number;
  windowMs: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { perWindow: 20, windowMs: 60_000 };

/** Distinct messages tracked at once; should a message text ever carry data, the rest share one. */
const MAX_MESSAGES = 200;
const OTHER = '(other messages)';

interface Window {
  startedAt: number;
  written: number;
  suppressed: number;
  level: Level;
}

export class LineLimitedLog implements Logger {
  private readonly windows = new Map<string, Window>();
  private readonly suppressedLines: Counter<'message'>;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: Logger,
    registry: Registry,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {
    this.suppressedLines = new promClient.Counter({
      name: 'hub_log_lines_suppressed_total',
      help: 'Broker log lines left out because the same message was written too often (a summary line follows)',
      labelNames: ['message'],
      registers: [registry],
    });
  }

  info(object: object, message?: string): void {
    this.write('info', object, message);
  }

  warn(object: object, message?: string): void {
    this.write('warn', object, message);
  }

  error(object: object, message?: string): void {
    this.write('error', object, message);
  }

  /** Writes the summaries of windows that are over; the rest wait for theirs. */
  sweep(final = false): void {
    const now = this.clock();
    for (const [message, window] of this.windows) {
      if (!final && now - window.startedAt < this.limits.windowMs) continue;
      this.summarise(message, window);
      this.windows.delete(message);
    }
    if (this.windows.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }

  private write(level: Level, object: object, message = ''): void {
    const now = this.clock();
    const key = this.windows.has(message) || this.windows.size < MAX_MESSAGES ? message : OTHER;
    let window = this.windows.get(key);
    if (window && now - window.startedAt >= this.limits.windowMs) {
      this.summarise(key, window);
      window = undefined;
    }
    if (!window) {
      window = { startedAt: now, written: 0, suppressed: 0, level };
      this.windows.set(key, window);
      this.armSweep();
    }
    if (window.written < this.limits.perWindow) {
      window.written += 1;
      this.inner[level](object, message);
      return;
    }
    window.suppressed += 1;
    this.suppressedLines.inc({ message: key });
  }

  private summarise(message: string, window: Window): void {
    if (window.suppressed === 0) return;
    this.inner[window.level](
      { suppressed: window.suppressed, windowSeconds: Math.round(this.limits.windowMs / 1000) },
      `${message} (similar lines suppressed)`,
    );
  }

  /** A timer only while windows are open, so an attack that stops still gets its summary. */
  private armSweep(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => this.sweep(), this.limits.windowMs);
    this.sweepTimer.unref();
  }
}
