import { randomUUID } from 'node:crypto';
import type { Severity } from '../../devices/alerts.ts';
import {
  ACTIVE_STATUSES,
  ALERT_STATUSES,
  type AlertStatus,
  alertTransitions,
  allowedIn,
  isActive,
  OPENING_STATUS,
  type StatusChange,
} from '../../devices/alerts.ts';
import type { Queryable } from '../db/database.ts';
import type { Alert, AlertStep, Outcome } from '../schemas/alerts.ts';
import { Filter } from './filter.ts';
import { iso, isoRequired } from './rows.ts';
import type { Scope } from './scope.ts';

interface AlertRow {
  id: string;
  retiree_id: string | null;
  retiree_name: string | null;
  device_id: string;
  kind: string;
  severity: Alert['severity'];
  status: AlertStatus;
  count: number;
  opened_at: Date;
  last_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by_name: string | null;
  resolved_at: Date | null;
  resolved_by_name: string | null;
  assigned_to: string | null;
  assigned_to_name: string | null;
  assigned_at: Date | null;
  in_progress_at: Date | null;
  cancelled_at: Date | null;
  escalation_level: number;
  escalated_at: Date | null;
  hint: string | null;
  outcome: Outcome | null;
  note: string | null;
  detail: Record<string, unknown>;
}

export { ACTIVE_STATUSES };

/** `('open', 'acknowledged')`: statuses as an SQL list (constants of devices/alerts.ts, never input). */
function sqlList(statuses: readonly AlertStatus[]): string {
  return `(${statuses.map((status) => `'${status}'`).join(', ')})`;
}

const ACTIVE_SQL = sqlList(ACTIVE_STATUSES);
const CLOSED_SQL = sqlList(ALERT_STATUSES.filter((status) => !isActive(status)));
/** Where the actions that leave the status alone are allowed: a repeat, take and assign, a climb. */
const REPEAT_SQL = sqlList(allowedIn('repeat'));
const ASSIGN_SQL = sqlList(allowedIn('assign'));
const ESCALATE_SQL = sqlList(allowedIn('escalate'));

const selectAlert = `select a.*, r.name as retiree_name,
    ua.display_name as acknowledged_by_name, ur.display_name as resolved_by_name,
    us.display_name as assigned_to_name
  from alerts a
  left join retirees r on r.id = a.retiree_id
  left join users ua on ua.id = a.acknowledged_by
  left join users ur on ur.id = a.resolved_by
  left join users us on us.id = a.assigned_to`;

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    retireeId: row.retiree_id,
    retireeName: row.retiree_name,
    deviceId: row.device_id,
    kind: row.kind,
    severity: row.severity,
    status: row.status,
    count: row.count,
    openedAt: isoRequired(row.opened_at),
    lastAt: isoRequired(row.last_at),
    acknowledgedAt: iso(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by_name,
    resolvedAt: iso(row.resolved_at),
    resolvedBy: row.resolved_by_name,
    assignedTo: row.assigned_to_name,
    assignedToId: row.assigned_to,
    assignedAt: iso(row.assigned_at),
    inProgressAt: iso(row.in_progress_at),
    cancelledAt: iso(row.cancelled_at),
    escalationLevel: row.escalation_level,
    escalatedAt: iso(row.escalated_at),
    hint: row.hint,
    outcome: row.outcome,
    note: row.note,
    detail: row.detail ?? {},
  };
}

/** Which alerts a list asks for; every field left out lets all through. */
export interface AlertFilter {
  /** `active`: open, acknowledged or in progress; `closed`: resolved or cancelled. */
  status?: AlertStatus | 'active' | 'closed';
  retireeId?: string;
  kind?: string;
  severity?: Severity;
  /** Part of the retiree's name, as typed. */
  name?: string;
  /** Opened at or after (ISO 8601). */
  from?: string;
  /** Opened before (ISO 8601). */
  to?: string;
  /** A station's caseworker sees the alerts of that station's retirees only (6.11.2.2). */
  scope?: Scope;
  /** Kinds the caller may not open (a caseworker: security alerts). */
  withoutKinds?: readonly string[];
}

/** The conditions of a list of alerts (`a` the alert, `r` its retiree). */
function alertConditions(filter: AlertFilter): Filter {
  const { status } = filter;
  const conditions = new Filter()
    .where(status === 'active' && `a.status in ${ACTIVE_SQL}`)
    .where(status === 'closed' && `a.status in ${CLOSED_SQL}`)
    .when('a.status = ?', status === 'active' || status === 'closed' ? undefined : status)
    .when('a.retiree_id = ?', filter.retireeId)
    .when('a.kind = ?', filter.kind)
    .when('a.severity = ?', filter.severity)
    .contains('r.name ilike ?', filter.name)
    .when('a.opened_at >= ?', filter.from)
    .when('a.opened_at < ?', filter.to)
    .when('a.kind <> all(?::text[])', filter.withoutKinds?.length ? [...filter.withoutKinds] : undefined);
  if (filter.scope) conditions.inScope(filter.scope, 'a.retiree_id');
  return conditions;
}

export interface NewAlert {
  retireeId: string | null;
  deviceId: string;
  kind: string;
  severity: Alert['severity'];
  subject: string;
  at: Date;
  eventId: string | null;
  detail: Record<string, unknown>;
}

export class AlertStore {
  constructor(private readonly db: Queryable) {}

  async byId(id: string): Promise<Alert | null> {
    const [row] = await this.db.query<AlertRow>(`${selectAlert} where a.id = $1`, [id]);
    return row ? toAlert(row) : null;
  }

  /** Alerts the filter finds, newest first. */
  async list(filter: AlertFilter & { limit: number; offset?: number }): Promise<Alert[]> {
    const conditions = alertConditions(filter);
    const rows = await this.db.query<AlertRow>(
      `${selectAlert} where ${conditions.sql}
       order by a.opened_at desc, a.id limit ${conditions.param(filter.limit)} offset ${conditions.param(filter.offset ?? 0)}`,
      conditions.params,
    );
    return rows.map(toAlert);
  }

  /** How many alerts the filter finds in all, whatever the page. */
  async count(filter: AlertFilter): Promise<number> {
    const conditions = alertConditions(filter);
    const [row] = await this.db.query<{ n: number }>(
      `select count(*)::int as n from alerts a left join retirees r on r.id = a.retiree_id where ${conditions.sql}`,
      conditions.params,
    );
    return row?.n ?? 0;
  }

  async activeCountByRetiree(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ retiree_id: string; n: number }>(
      `select retiree_id, count(*)::int as n from alerts
        where status in ${ACTIVE_SQL} and retiree_id is not null group by retiree_id`,
    );
    return new Map(rows.map((row) => [row.retiree_id, row.n]));
  }

  /** Records a device event id; false when it was already there (a redelivery). */
  async recordEvent(deviceId: string, eventId: string, type: string, occurredAt: Date): Promise<boolean> {
    const rows = await this.db.query(
      `insert into device_events (device_id, event_id, type, occurred_at) values ($1, $2, $3, $4)
       on conflict do nothing returning event_id`,
      [deviceId, eventId, type, occurredAt],
    );
    return rows.length === 1;
  }

  /** The alert a repeat of the subject's kind folds into, locked for update within a transaction. */
  async activeFor(
    subject: string,
    kind: string,
  ): Promise<{ id: string; severity: Alert['severity'] } | null> {
    const [row] = await this.db.query<{ id: string; severity: Alert['severity'] }>(
      `select id, severity from alerts where subject = $1 and kind = $2 and status in ${REPEAT_SQL} for update`,
      [subject, kind],
    );
    return row ?? null;
  }

  async insert(alert: NewAlert): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      `insert into alerts (id, retiree_id, device_id, kind, severity, status, subject, count, opened_at, last_at, event_id, detail)
       values ($1, $2, $3, $4, $5, '${OPENING_STATUS}', $6, 1, $7, $7, $8, $9::jsonb)`,
      [
        id,
        alert.retireeId,
        alert.deviceId,
        alert.kind,
        alert.severity,
        alert.subject,
        alert.at,
        alert.eventId,
        JSON.stringify(alert.detail),
      ],
    );
    return id;
  }

  async addRepeat(
    id: string,
    at: Date,
    severity: Alert['severity'],
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.db.query(
      `update alerts set count = count + 1, last_at = greatest(last_at, $2), severity = $3, detail = detail || $4::jsonb
       where id = $1`,
      [id, at, severity, JSON.stringify(detail)],
    );
  }

  /**
   * Moves an alert as `action` does in the table of devices/alerts.ts; false when the alert was in
   * none of the statuses the action is allowed in (someone else moved it first).
   */
  move(
    id: string,
    action: StatusChange,
    fields: { at: Date; actorId: string | null; outcome?: Outcome; note?: string },
  ): Promise<boolean> {
    const { from, to } = alertTransitions[action];
    return this.transition(id, from, to, fields);
  }

  /**
   * Moves an alert from one of `from` to `to`, stamping who and when; false when it was in none of
   * `from` (someone else moved it first). Moving past `acknowledged` also fills the acknowledgement
   * when it was skipped, so the time to acknowledge is never missing for a handled alert.
   */
  async transition(
    id: string,
    from: readonly AlertStatus[],
    to: AlertStatus,
    fields: { at: Date; actorId: string | null; outcome?: Outcome; note?: string },
  ): Promise<boolean> {
    const acknowledge =
      'acknowledged_at = coalesce(acknowledged_at, $3), acknowledged_by = coalesce(acknowledged_by, $4)';
    const params: unknown[] = [id, to, fields.at, fields.actorId];
    let assignments: string;
    switch (to) {
      case 'acknowledged':
        assignments = acknowledge;
        break;
      case 'in_progress':
        assignments = `${acknowledge}, in_progress_at = coalesce(in_progress_at, $3)`;
        break;
      case 'resolved':
        params.push(fields.outcome ?? null, fields.note ?? null);
        assignments = `${acknowledge}, resolved_at = $3, resolved_by = $4, outcome = $5, note = $6`;
        break;
      case 'cancelled':
        // Cancelled by the retiree: no staff member to record, only the time.
        assignments = 'cancelled_at = $3, cancelled_by = $4';
        break;
      default:
        throw new Error(`no transition into ${to}`);
    }
    params.push(from);
    const rows = await this.db.query(
      `update alerts set status = $2, ${assignments}
        where id = $1 and status = any($${params.length}::text[]) returning id`,
      params,
    );
    return rows.length === 1;
  }

  /** Gives an active alert to a staff member; false when the alert is no longer active. */
  async assign(id: string, userId: string, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update alerts set assigned_to = $2, assigned_at = $3 where id = $1 and status in ${ASSIGN_SQL} returning id`,
      [id, userId, at],
    );
    return rows.length === 1;
  }

  async setHint(id: string, hint: string): Promise<void> {
    await this.db.query('update alerts set hint = $2 where id = $1', [id, hint]);
  }

  /** Raises the escalation level; false when the alert was acknowledged or already at that level. */
  async escalate(id: string, level: number, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update alerts set escalation_level = $2, escalated_at = $3, escalation_reminders = 0
        where id = $1 and status in ${ESCALATE_SQL} and escalation_level < $2 returning id`,
      [id, level, at],
    );
    return rows.length === 1;
  }

  /**
   * Counts reminder `reminder` of the alert's current `level` as sent; false when it was already
   * (another instance, or before a restart), or the alert was acknowledged or climbed meanwhile.
   */
  async remind(id: string, level: number, reminder: number): Promise<boolean> {
    const rows = await this.db.query(
      `update alerts set escalation_reminders = $3
        where id = $1 and status in ${ESCALATE_SQL} and escalation_level = $2 and escalation_reminders < $3
        returning id`,
      [id, level, reminder],
    );
    return rows.length === 1;
  }

  /** Alerts the escalation ladder climbs (nobody acknowledged), with what the ladder goes by. */
  async unacknowledged(): Promise<
    {
      id: string;
      openedAt: Date;
      level: number;
      escalatedAt: Date | null;
      reminders: number;
      severity: Severity;
    }[]
  > {
    const rows = await this.db.query<{
      id: string;
      opened_at: Date;
      escalation_level: number;
      escalated_at: Date | null;
      escalation_reminders: number;
      severity: Severity;
    }>(
      `select id, opened_at, escalation_level, escalated_at, escalation_reminders, severity
         from alerts where status in ${ESCALATE_SQL} order by opened_at`,
    );
    return rows.map((row) => ({
      id: row.id,
      openedAt: new Date(row.opened_at),
      level: row.escalation_level,
      escalatedAt: row.escalated_at ? new Date(row.escalated_at) : null,
      reminders: row.escalation_reminders,
      severity: row.severity,
    }));
  }

  /** Occurrences of a device's kind since `since`, across alerts (for storm control). */
  async occurrencesSince(deviceId: string, kind: string, since: Date): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `select coalesce(sum(count), 0)::int as n from alerts where device_id = $1 and kind = $2 and last_at >= $3`,
      [deviceId, kind, since],
    );
    return row?.n ?? 0;
  }

  async steps(alertId: string): Promise<AlertStep[]> {
    const rows = await this.db.query<{
      id: number;
      at: Date;
      actor_name: string | null;
      action: string;
      detail: Record<string, unknown>;
    }>(
      `select s.id, s.at, u.display_name as actor_name, s.action, s.detail
         from alert_steps s left join users u on u.id = s.actor_id
        where s.alert_id = $1 order by s.at, s.id`,
      [alertId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      at: isoRequired(row.at),
      actor: row.actor_name,
      action: row.action,
      detail: row.detail ?? {},
    }));
  }

  /** True when a step of one of `actions` already names this device event (a retry of it). */
  async hasEventStep(alertId: string, actions: readonly string[], eventId: string): Promise<boolean> {
    const rows = await this.db.query(
      `select 1 from alert_steps
        where alert_id = $1 and action = any($2::text[]) and detail->>'eventId' = $3 limit 1`,
      [alertId, actions, eventId],
    );
    return rows.length > 0;
  }

  async addStep(
    alertId: string,
    action: string,
    actorId: string | null,
    at: Date,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.db.query(
      'insert into alert_steps (alert_id, at, actor_id, action, detail) values ($1, $2, $3, $4, $5::jsonb)',
      [alertId, at, actorId, action, JSON.stringify(detail)],
    );
  }
}
