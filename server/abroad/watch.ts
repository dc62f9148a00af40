/**
 * The schedule of 6.4.2.4: checks the retirees abroad for six months without contact, at start and
 * then every `intervalMs` (hourly by default). Owns its timer; `check(now)` runs one pass at the
 * time given, for tests and for the on-demand check.
 */
import type { PensionSuspension } from '../schemas/abroad.ts';
import type { AbroadStays } from './stays.ts';

export interface SuspensionWatchOptions {
  clock?: () => Date;
  intervalMs?: number;
  centreName: string;
  onFlag?: (suspension: PensionSuspension) => void;
  onError?: (error: unknown) => void;
}

export class SuspensionWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;
  private readonly intervalMs: number;

  constructor(
    private readonly stays: AbroadStays,
    private readonly options: SuspensionWatchOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.intervalMs = options.intervalMs ?? 3_600_000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass at `now`; passes never overlap. Returns the flags it raised. */
  check(now: Date = this.clock()): Promise<PensionSuspension[]> {
    const pass = this.running
      .then(() => this.stays.check(now, this.options.centreName))
      .then((flagged) => {
        for (const suspension of flagged) this.options.onFlag?.(suspension);
        return flagged;
      });
    this.running = pass.catch(() => {});
    return pass;
  }

  private tick(): void {
    this.check().catch((error: unknown) => this.options.onError?.(error));
  }
}
