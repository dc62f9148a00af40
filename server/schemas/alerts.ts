import { type Static, Type } from '@sinclair/typebox';
import { ALERT_STATUSES, SEVERITIES } from '../../devices/alerts.ts';
import { Limit, Literals, Nullable, NullableTimestamp, Offset, Timestamp } from './common.ts';

export const AlertStatus = Literals(ALERT_STATUSES);
export type AlertStatus = Static<typeof AlertStatus>;

export const Severity = Literals(SEVERITIES);
export type Severity = Static<typeof Severity>;

export const Outcome = Literals(['genuine', 'false_alarm', 'device_fault', 'test']);
export type Outcome = Static<typeof Outcome>;

export const Alert = Type.Object({
  id: Type.String(),
  retireeId: Nullable(Type.String()),
  retireeName: Nullable(Type.String()),
  deviceId: Type.String(),
  kind: Type.String(),
  severity: Severity,
  status: AlertStatus,
  count: Type.Integer({ description: 'Occurrences folded into this alert' }),
  openedAt: Timestamp,
  lastAt: Timestamp,
  acknowledgedAt: NullableTimestamp,
  acknowledgedBy: Nullable(Type.String()),
  resolvedAt: NullableTimestamp,
  resolvedBy: Nullable(Type.String()),
  assignedTo: Nullable(Type.String(), { description: 'Display name of the staff member who has the alert' }),
  assignedToId: Nullable(Type.String()),
  assignedAt: NullableTimestamp,
  inProgressAt: NullableTimestamp,
  cancelledAt: NullableTimestamp,
  escalationLevel: Type.Integer({ description: 'Steps of the escalation ladder taken so far (0 = none)' }),
  escalatedAt: NullableTimestamp,
  hint: Nullable(
    Type.String({ description: 'e.g. `device_fault?` when a sensor keeps repeating (storm control)' }),
  ),
  outcome: Nullable(Outcome),
  note: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type Alert = Static<typeof Alert>;

export const AlertListQuery = Type.Object({
  status: Type.Optional(
    Type.Union([AlertStatus, Type.Literal('active'), Type.Literal('closed')], {
      description: '`active` = open, acknowledged or in progress; `closed` = resolved or cancelled',
    }),
  ),
  retireeId: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String({ maxLength: 64, description: 'e.g. `sos`, `fall` (the table of kinds)' })),
  severity: Type.Optional(Severity),
  q: Type.Optional(Type.String({ maxLength: 64, description: "Part of the retiree's name" })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Opened at or after (ISO 8601)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Opened before (ISO 8601)' })),
  limit: Limit(500, 100),
  offset: Type.Optional(Offset),
});
export type AlertListQuery = Static<typeof AlertListQuery>;

/** One page of alerts and how many the filters find in all (the history page). */
export const AlertPage = Type.Object({
  items: Type.Array(Alert, { description: 'Newest first' }),
  total: Type.Integer({ description: 'Alerts the filters find, on every page' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type AlertPage = Static<typeof AlertPage>;

export const AckBody = Type.Object({
  text: Type.Optional(
    Type.String({ maxLength: 120, description: 'Text sent to the device; a default is used' }),
  ),
});
export type AckBody = Static<typeof AckBody>;

export const ResolveBody = Type.Object({
  outcome: Outcome,
  note: Type.String({ minLength: 1, maxLength: 2000 }),
});
export type ResolveBody = Static<typeof ResolveBody>;

export const AlertStep = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actor: Nullable(Type.String({ description: 'Display name; null for the system or a device' })),
  action: Type.String({
    description:
      'opened, repeated, acknowledged, assigned, called_retiree, called_family, sent_staff, handed_to_120, help_coming, comment, escalated, cancelled, resolved, family_on_way, returned (a wanderer back inside their safe zone)',
  }),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type AlertStep = Static<typeof AlertStep>;

/** What was done for the retiree while the alert is in progress (5.1.7). */
export const ActionKind = Literals(['called_retiree', 'called_family', 'sent_staff', 'handed_to_120']);
export type ActionKind = Static<typeof ActionKind>;

/** How a call went: a relative who answers "coming" is on the way to the retiree. */
export const CALL_OUTCOMES = ['answered', 'no_answer', 'busy', 'coming'] as const;
export const CallOutcome = Literals(CALL_OUTCOMES);
export type CallOutcome = Static<typeof CallOutcome>;

export const ActionBody = Type.Object({
  action: ActionKind,
  note: Type.Optional(Type.String({ maxLength: 2000 })),
  /** For `called_family`: the relative called, one of the retiree's contacts (rescue card). */
  contactId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: "`called_family`: the id of the retiree's contact who was called",
    }),
  ),
  /** For a call: how it went. */
  outcome: Type.Optional(
    Literals(CALL_OUTCOMES, {
      description: '`called_retiree`, `called_family`: answered, no_answer, busy, or coming (on the way)',
    }),
  ),
  /** For `handed_to_120`: what was passed on to the emergency service (5.1.7). */
  handover: Type.Optional(
    Type.Object({
      address: Type.String({ minLength: 1, maxLength: 256 }),
      condition: Type.String({ minLength: 1, maxLength: 2000 }),
      history: Type.String({ maxLength: 2000 }),
      hospital: Type.Optional(
        Type.String({
          maxLength: 200,
          description:
            'the hospital the ambulance takes the retiree to, when known: recorded as an admission, which raises the hospital visit (6.8.2.2)',
        }),
      ),
    }),
  ),
});
export type ActionBody = Static<typeof ActionBody>;

export const CommentBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) });
export type CommentBody = Static<typeof CommentBody>;

export const AssignBody = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) });
export type AssignBody = Static<typeof AssignBody>;
