/**
 * The escalation ladder (5.1.7, 24-hour duty): an alert nobody has acknowledged `after_seconds`
 * after it opened climbs to the next level, whose audiences (those on duty, the supervisor, the
 * family contacts, the manager) and named staff are told. A step may repeat every
 * `repeat_minutes` until someone acknowledges. An alert that opens with nobody on duty goes
 * straight to the first step that tells the supervisor (in a centre that keeps its roster). The ladder stops when the alert is
 * acknowledged. Each climb and reminder goes on the bus: `alert.changed` (the wall shows the
 * level) and `alert.escalated` (notifications).
 *
 * Levels and reminders are derived from stored times (opened_at, escalated_at) and stored counts
 * (escalation_level, escalation_reminders), each moved by a conditional update, never from timers
 * alone: a hub restarted in the middle of a ladder picks up where it should be on its first tick,
 * and a second instance on the same database neither repeats nor skips a step. The ladder itself is
 * read at each pass, so a change made through any instance holds at the next second.
 */
import type { EventBus } from '../../devices/bus.ts';
import type { Database } from '../db/database.ts';
import { badRequest } from '../errors.ts';
import { nobodyOnDuty } from '../notify/audiences.ts';
import type { Audience, ChannelKind, EscalationStep } from '../schemas/escalation.ts';
import type { Severity } from '../schemas/index.ts';
import { AlertStore } from '../store/alerts.ts';

interface LadderRow {
  level: number;
  after_seconds: number;
  notify: Audience[];
  users: string[] | null;
  channels: ChannelKind[] | null;
  severities: Severity[] | null;
  repeat_minutes: number | null;
}

export class Escalation {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly onError: (error: unknown) => void,
    private readonly clock: () => Date = () => new Date(),
    private readonly tickMs = 1000,
  ) {}

  async start(): Promise<void> {
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

  /** The centre's ladder as stored. */
  async steps(): Promise<EscalationStep[]> {
    return this.load();
  }

  /** Replaces the centre's ladder; levels are renumbered 1… in order of their delay. */
  async setSteps(steps: Omit<EscalationStep, 'level'>[]): Promise<EscalationStep[]> {
    const sorted = [...steps].sort((a, b) => a.afterSeconds - b.afterSeconds);
    for (let index = 1; index < sorted.length; index += 1) {
      if (sorted[index]?.afterSeconds === sorted[index - 1]?.afterSeconds) {
        throw badRequest('two steps of the ladder have the same delay');
      }
    }
    for (const step of sorted) {
      if (step.notify.length === 0 && (step.users ?? []).length === 0) {
        throw badRequest('each step of the ladder tells an audience or named staff');
      }
    }
    const named = [...new Set(sorted.flatMap((step) => step.users ?? []))];
    if (named.length > 0) {
      const known = await this.db.query<{ id: string }>(
        `select id from users where id = any($1::uuid[]) and role <> 'family'`,
        [named],
      );
      const missing = named.filter((id) => !known.some((row) => row.id === id));
      if (missing.length > 0) throw badRequest(`no staff member ${missing.join(', ')}`);
    }
    await this.db.transaction(async (tx) => {
      await tx.query('delete from escalation_ladder');
      for (const [index, step] of sorted.entries()) {
        await tx.query(
          `insert into escalation_ladder (level, after_seconds, notify, users, channels, severities, repeat_minutes)
           values ($1, $2, $3, $4::uuid[], $5, $6, $7)`,
          [
            index + 1,
            step.afterSeconds,
            step.notify,
            step.users ?? [],
            step.channels ?? null,
            step.severities ?? null,
            step.repeatMinutes ?? null,
          ],
        );
      }
    });
    return this.steps();
  }

  /** One pass: every open alert is brought to the level its age calls for, one level at a time. */
  tick(): Promise<void> {
    this.running = this.running.then(() => this.climb()).catch(this.onError);
    return this.running;
  }

  private async climb(): Promise<void> {
    const ladder = await this.load();
    if (ladder.length === 0) return;
    const records = new AlertStore(this.db);
    const now = this.clock();
    const last = ladder.at(-1)?.level ?? 0;
    // Asked once a tick, and only while an alert waits at the foot of the ladder.
    let unstaffed: Promise<boolean> | undefined;
    const supervisorStep = ladder.find((step) => step.notify.includes('supervisor'));
    for (const open of await records.unacknowledged()) {
      const age = (now.getTime() - open.openedAt.getTime()) / 1000;
      let unattended = false;
      if (open.level === 0 && supervisorStep && age < supervisorStep.afterSeconds) {
        unstaffed ??= nobodyOnDuty(this.db, now);
        unattended = await unstaffed;
      }
      let level = open.level;
      for (const step of ladder) {
        if (step.level <= level) continue;
        const skipping = unattended && supervisorStep !== undefined && step.level < supervisorStep.level;
        if (skipping) continue;
        const due = age >= step.afterSeconds || (unattended && step === supervisorStep);
        if (!due) break;
        const climbed = await this.db.transaction(async (tx) => {
          const inner = new AlertStore(tx);
          if (!(await inner.escalate(open.id, step.level, now))) return false;
          await inner.addStep(open.id, 'escalated', null, now, {
            level: step.level,
            notify: step.notify,
            ...(step.users?.length ? { users: step.users } : {}),
            ...(unattended ? { nobodyOnDuty: true } : {}),
          });
          return true;
        });
        if (!climbed) break;
        level = step.level;
        await this.announce(records, open.id, step, 0, step.level === last);
      }
      if (level !== open.level || level === 0) continue;
      // Still at the same level: its reminders, counted from when it was reached.
      const step = ladder.find((each) => each.level === level);
      if (!step?.repeatMinutes || !open.escalatedAt) continue;
      const due = Math.floor((now.getTime() - open.escalatedAt.getTime()) / (step.repeatMinutes * 60_000));
      // Missed reminders (a hub that was down) are one reminder, not a burst.
      if (due <= open.reminders || !(await records.remind(open.id, level, due))) continue;
      await this.announce(records, open.id, step, due, step.level === last);
    }
  }

  private async announce(
    records: AlertStore,
    id: string,
    step: EscalationStep,
    reminder: number,
    last: boolean,
  ): Promise<void> {
    const alert = await records.byId(id);
    if (!alert) return;
    if (reminder === 0) this.bus.emit('alert.changed', { change: 'updated', alert, statusChanged: false });
    this.bus.emit('alert.escalated', {
      alert,
      level: step.level,
      audiences: step.notify,
      step,
      reminder,
      last,
    });
  }

  private async load(): Promise<EscalationStep[]> {
    const rows = await this.db.query<LadderRow>(
      'select level, after_seconds, notify, users, channels, severities, repeat_minutes from escalation_ladder order by level',
    );
    return rows.map((row) => ({
      level: row.level,
      afterSeconds: row.after_seconds,
      notify: row.notify,
      ...(row.users?.length ? { users: row.users } : {}),
      ...(row.channels ? { channels: row.channels } : {}),
      ...(row.severities ? { severities: row.severities } : {}),
      ...(row.repeat_minutes ? { repeatMinutes: row.repeat_minutes } : {}),
    }));
  }
}
