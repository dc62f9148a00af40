import { type Static, Type } from '@sinclair/typebox';
import { Alert } from './alerts.ts';
import { Timestamp } from './common.ts';

export const DutyShift = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  displayName: Type.String(),
  role: Type.String({ description: 'operator, supervisor, nurse… as the roster names the post' }),
  startsAt: Timestamp,
  endsAt: Timestamp,
});
export type DutyShift = Static<typeof DutyShift>;

export const DutyShiftInput = Type.Object({
  userId: Type.String({ minLength: 1, maxLength: 64 }),
  role: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
});
export type DutyShiftInput = Static<typeof DutyShiftInput>;

export const RosterQuery = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
});

/** The coming days to check for hours with nobody on duty (5.1.7). */
export const CoverageQuery = Type.Object({
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Start of the period; now when absent' }),
  ),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 31, default: 7 })),
});

export const CoverageGap = Type.Object({
  from: Timestamp,
  to: Timestamp,
  missing: Type.Union([Type.Literal('on_duty'), Type.Literal('supervisor')], {
    description:
      'on_duty: no active staff member but supervisors is on a shift (an alert would go straight to the supervisor); supervisor: no supervisor is on a shift',
  }),
});
export type CoverageGap = Static<typeof CoverageGap>;

/** The spans of [from, to) the roster leaves uncovered, earliest first. */
export const DutyCoverage = Type.Object({
  from: Timestamp,
  to: Timestamp,
  gaps: Type.Array(CoverageGap),
});
export type DutyCoverage = Static<typeof DutyCoverage>;

export const HandoverNote = Type.Object({
  id: Type.String(),
  author: Type.String(),
  writtenAt: Timestamp,
  text: Type.String(),
  carriedAlertIds: Type.Array(Type.String(), {
    description: 'Alerts still open or in progress when the note was written: carried over to the next shift',
  }),
});
export type HandoverNote = Static<typeof HandoverNote>;

export const HandoverInput = Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) });

/** What the staff on duty see when they take over (5.1.7). */
export const DutyNow = Type.Object({
  onDuty: Type.Array(DutyShift),
  lastHandover: Type.Union([Type.Null(), HandoverNote]),
  /** Active alerts opened before the current shift began: carried over, visibly. */
  carriedOver: Type.Array(Alert),
  active: Type.Array(Alert),
});
export type DutyNow = Static<typeof DutyNow>;
