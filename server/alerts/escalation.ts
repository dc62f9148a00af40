/**
 * The escalation ladder (5.1.7, 24-hour duty): an alert nobody has acknowledged `after_seconds`
 * after it opened climbs to the next level, whose audiences (the supervisor, the family contacts,
 * the manager) are told. The ladder stops when the alert is acknowledged. Each climb goes on the bus:
 * `alert.changed` (the wall shows the level) and `alert.escalated` (notifications).
 *
 * Levels are derived from stored times (opened_at, escalation_level), never from timers alone: a
 * hub restarted in the middle of a ladder picks up where it should be on its first tick.
 */
import type { EventBus } from '../../devices/bus.ts';
import type { Database } from '../db/database.ts';
import { badRequest } from '../errors.ts';
import type { Audience, EscalationStep } from '../schemas/escalation.ts';
import { AlertStore } from '../store/alerts.ts';

export class Escalation {
  private timer: NodeJS.Timeout | undefined;
  private ladder: EscalationStep[] = [];
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly onError: (error: unknown) => void,
    private readonly clock: () => Date = () => new Date(),
    private readonly tickMs = 1000,
  ) {}

  async start(): Promise<void> {
    this.ladder = await this.load();
    await this.tick();
    this.timer = setInterval(() => {
      void this.tick();
    }, this.tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  steps(): EscalationStep[] {
    return this.ladder.map((step) => ({ ...step, notify: [...step.notify] }));
  }

  /** Replaces the centre's ladder; levels are renumbered 1… in order of their delay. */
  async setSteps(steps: Omit<EscalationStep, 'level'>[]): Promise<EscalationStep[]> {
    const sorted = [...steps].sort((a, b) => a.afterSeconds - b.afterSeconds);
    for (let index = 1; index < sorted.length; index += 1) {
      if (sorted[index]?.afterSeconds === sorted[index - 1]?.afterSeconds) {
        throw badRequest('two steps of the ladder have the same delay');
      }
    }
    await this.db.transaction(async (tx) => {
      await tx.query('delete from escalation_ladder');
      for (const [index, step] of sorted.entries()) {
        await tx.query('insert into escalation_ladder (level, after_seconds, notify) values ($1, $2, $3)', [
          index + 1,
          step.afterSeconds,
          step.notify,
        ]);
      }
    });
    this.ladder = await this.load();
    return this.steps();
  }

  /** One pass: every open alert is brought to the level its age calls for, one level at a time. */
  tick(): Promise<void> {
    this.running = this.running.then(() => this.climb()).catch(this.onError);
    return this.running;
  }

  private async climb(): Promise<void> {
    if (this.ladder.length === 0) return;
    const records = new AlertStore(this.db);
    const now = this.clock();
    for (const open of await records.unacknowledged()) {
      const age = (now.getTime() - open.openedAt.getTime()) / 1000;
      for (const step of this.ladder) {
        if (step.level <= open.level || age < step.afterSeconds) continue;
        const climbed = await this.db.transaction(async (tx) => {
          const inner = new AlertStore(tx);
          if (!(await inner.escalate(open.id, step.level, now))) return false;
          await inner.addStep(open.id, 'escalated', null, now, { level: step.level, notify: step.notify });
          return true;
        });
        if (!climbed) break;
        const alert = await records.byId(open.id);
        if (!alert) break;
        this.bus.emit('alert.changed', { change: 'updated', alert, statusChanged: false });
        this.bus.emit('alert.escalated', { alert, level: step.level, audiences: step.notify });
      }
    }
  }

  private async load(): Promise<EscalationStep[]> {
    const rows = await this.db.query<{ level: number; after_seconds: number; notify: Audience[] }>(
      'select level, after_seconds, notify from escalation_ladder order by level',
    );
    return rows.map((row) => ({ level: row.level, afterSeconds: row.after_seconds, notify: row.notify }));
  }
}
