/** The alert figures of clause 7.1: what `GET /api/reports/alerts` answers. */
import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable, Timestamp } from './common.ts';

export const ReportGrouping = Literals(['day', 'month', 'shift'], {
  description:
    'day and month: calendar days and months in Asia/Shanghai; shift: the duty roster shift covering the opening time, else the default shifts (day 08:00–20:00, night 20:00–08:00)',
});
export type ReportGrouping = Static<typeof ReportGrouping>;

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, Asia/Shanghai' });

export const ReportQuery = Type.Object({
  from: Day,
  to: { ...Day, description: 'YYYY-MM-DD, Asia/Shanghai, included; at most 400 days after `from`' },
  group: Type.Optional(ReportGrouping),
});
export type ReportQuery = Static<typeof ReportQuery>;

export const Spread = Type.Object({
  count: Type.Integer({ description: 'How many durations the median and p90 are over' }),
  medianSeconds: Nullable(Type.Number()),
  p90Seconds: Nullable(
    Type.Number({ description: '90th percentile, linear interpolation (Excel PERCENTILE.INC)' }),
  ),
});
export type Spread = Static<typeof Spread>;

export const Share = Type.Object({
  counted: Type.Integer({
    description:
      'Alarm calls whose answer is known: acknowledged, or unacknowledged for longer than the target',
  }),
  met: Type.Integer({ description: 'Acknowledged within the target' }),
  share: Nullable(Type.Number({ description: 'met ÷ counted, 0–1' })),
});
export type Share = Static<typeof Share>;

export const ModelRate = Type.Object({
  model: Type.String({ description: 'Device type (model)' }),
  resolved: Type.Integer({ description: 'Resolved alarm calls of this model (tests left out)' }),
  falseAlarms: Type.Integer(),
  rate: Nullable(Type.Number({ description: 'falseAlarms ÷ resolved, 0–1' })),
});
export type ModelRate = Static<typeof ModelRate>;

const figureFields = {
  count: Type.Integer({ description: 'All alerts opened in the group' }),
  alarmCalls: Type.Integer({
    description: 'Alerts that needed acknowledging: not tests, not cancelled before acknowledgement',
  }),
  timeToAcknowledge: Spread,
  timeToResolve: Spread,
  within60: Share,
  within180: Share,
  byKind: Type.Record(Type.String(), Type.Integer()),
  byOutcome: Type.Record(Type.String(), Type.Integer(), {
    description: 'Outcome; `cancelled` and `unresolved` for alerts without one',
  }),
  falseAlarmRates: Type.Array(ModelRate),
};

export const Figures = Type.Object(figureFields);
export type Figures = Static<typeof Figures>;

export const GroupFigures = Type.Object({
  key: Type.String({
    description: 'YYYY-MM-DD, YYYY-MM, or "YYYY-MM-DD HH:MM–YYYY-MM-DD HH:MM" for a shift',
  }),
  start: Timestamp,
  end: Timestamp,
  source: Type.Optional(Literals(['roster', 'default'])),
  ...figureFields,
});
export type GroupFigures = Static<typeof GroupFigures>;

export const AlertReport = Type.Object({
  from: Type.String(),
  to: Type.String(),
  group: ReportGrouping,
  timeZone: Type.String(),
  asOf: Timestamp,
  targets: Type.Object({ within60: Type.Number(), within180: Type.Number() }),
  totals: Figures,
  rows: Type.Array(GroupFigures),
});
export type AlertReport = Static<typeof AlertReport>;

/** The service figures of clause 7.1 beside the alert figures: what `GET /api/reports/services` answers. */
export const ServiceFiguresQuery = Type.Object({
  year: Type.Optional(
    Type.Integer({ minimum: 2000, maximum: 2100, description: 'The current year when not given' }),
  ),
});
export type ServiceFiguresQuery = Static<typeof ServiceFiguresQuery>;

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const ServiceMonth = Type.Object({
  period: Type.String({ description: 'YYYY-MM, Asia/Shanghai' }),
  visitsDue: Count('Visit tasks due in the month (cancelled ones left out)'),
  visitsOnTime: Count('… visited on or before the day due'),
  visitsLate: Count('… visited after the day due'),
  visitsOverdue: Count('… still open after the day due'),
  visitsRecorded: Count('Visits made in the month'),
  requestsOpened: Count('Service requests made in the month (the 求助 key and those staff log)'),
  requestsDone: Count('Service requests done in the month'),
  requestsRated: Count('… of them rated by the retiree'),
  averageRating: Nullable(Type.Number({ description: 'Their average rating, 1–5' })),
  healthChecks: Count('Health checks done in the month (6.5.2.2)'),
  complaints: Count('Complaints received in the month'),
  complaintsAnsweredInTime: Count('… answered by the day due'),
  complaintsOverdue: Count('… not answered and past the day due'),
  letters: Count('Letters, calls and visits received in the month (6.2)'),
  lettersRepliedInTime: Count('… replied by the day due'),
  alerts: Count('Alerts opened in the month'),
});
export type ServiceMonth = Static<typeof ServiceMonth>;
