/** The centre's deadlines (时限), as the settings page shows and changes them. */
import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable, NullableTimestamp } from './common.ts';

export const DeadlineStep = Type.Object({
  step: Type.String(),
  title: Type.String(),
  defaultDays: Type.Integer(),
  days: Type.Integer(),
});

export const Deadline = Type.Object({
  key: Type.String({ description: '`area.name`, e.g. `reception.reply_days`' }),
  kind: Literals(['days', 'steps']),
  title: Type.String(),
  clause: Type.String({
    description: 'the clause of DB51/T 2839-2021 it serves; empty when the standard sets no number',
  }),
  min: Type.Integer(),
  max: Type.Integer(),
  defaultDays: Nullable(Type.Integer({ description: 'kind `days`: the default' })),
  days: Nullable(Type.Integer({ description: 'kind `days`: the value now' })),
  steps: Type.Array(DeadlineStep, { description: 'kind `steps`: each step with its default and value' }),
  updatedBy: Nullable(Type.String()),
  updatedAt: NullableTimestamp,
});
export type Deadline = Static<typeof Deadline>;

export const DeadlineChange = Type.Object({
  value: Type.Union([
    Type.Integer({ description: 'kind `days`: the days' }),
    Type.Record(Type.String(), Type.Integer(), { description: 'kind `steps`: days of the steps to change' }),
  ]),
});
export type DeadlineChange = Static<typeof DeadlineChange>;
