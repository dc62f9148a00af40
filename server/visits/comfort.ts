/**
 * Psychological comfort after an incident (心理慰藉, 5.1.7): when a genuine SOS, fall, wandering,
 * fire or gas alert of a retiree is resolved, a visit to comfort them is raised, open at once and
 * due within the centre's deadline (`visits.comfort_days`). It is nobody's in particular: the
 * caseworkers of the retiree's station find it on their work list until one takes it on. An alert
 * raises one such visit at most, whichever instance hears of it.
 */
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../devices/bus.ts';
import { addDays, centreDay } from '../calendar.ts';
import type { Database } from '../db/database.ts';
import { kindName } from '../family/store.ts';
import type { Alert } from '../schemas/alerts.ts';
import { Deadlines, dayDeadline } from '../settings/deadlines.ts';

/** Days from the resolution to the comfort visit. */
export const COMFORT_DAYS = dayDeadline('visits.comfort_days', 3, {
  title: '事件处置后心理慰藉走访时限（天）',
  clause: '5.1.7',
});

/** The kinds of incident after which a retiree is visited to comfort them. */
export const COMFORT_AFTER: readonly Alert['kind'][] = ['sos', 'fall', 'wander', 'smoke', 'gas'];

const OWNER = 'comfort-visits';

export class ComfortVisits {
  private readonly deadlines: Deadlines;

  constructor(
    private readonly bus: EventBus,
    private readonly db: Database,
    private readonly onError: (error: unknown) => void,
  ) {
    this.deadlines = new Deadlines(db);
  }

  start(): void {
    this.bus.on('alert.changed', OWNER, ({ alert, statusChanged }) => {
      if (!statusChanged || !this.calls(alert)) return;
      return this.raise(alert).catch(this.onError);
    });
  }

  stop(): void {
    this.bus.removeOwner(OWNER);
  }

  /** Whether `alert` calls for a comfort visit: genuine, resolved, of a retiree, of a kind above. */
  calls(alert: Alert): boolean {
    return (
      alert.status === 'resolved' &&
      alert.outcome === 'genuine' &&
      alert.retireeId !== null &&
      COMFORT_AFTER.includes(alert.kind)
    );
  }

  /** Raises the visit for `alert`; nothing when it has one already. */
  async raise(alert: Alert): Promise<void> {
    const today = centreDay(new Date());
    const days = await this.deadlines.days(COMFORT_DAYS);
    await this.db.query(
      `insert into visit_tasks (id, retiree_id, reason, title, alert_id, opens_on, due_on, assignee_id)
       values ($1, $2, 'comfort', $3, $4, $5, $6, null)
       on conflict (alert_id) where alert_id is not null do nothing`,
      [
        randomUUID(),
        alert.retireeId,
        `心理慰藉：${kindName(alert.kind)}事件后走访`,
        alert.id,
        today,
        addDays(today, days),
      ],
    );
  }
}
