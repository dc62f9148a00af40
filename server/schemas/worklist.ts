/** The caseworker's work list: what is due on a day and what is overdue, across modules. */
import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable } from './common.ts';

export const WorkItem = Type.Object({
  source: Type.String({ description: 'the module that raised it, e.g. `visit_task`, `visit_follow_up`' }),
  id: Type.String(),
  title: Type.String(),
  retireeId: Nullable(Type.String()),
  retireeName: Nullable(Type.String()),
  dueDate: Type.String({ description: 'YYYY-MM-DD, centre time' }),
  overdue: Type.Boolean(),
});
export type WorkItem = Static<typeof WorkItem>;

export const WorkListQuery = Type.Object({
  date: Type.Optional(
    Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD; today by default' }),
  ),
  all: Type.Optional(Type.Boolean({ description: 'everyone’s items (supervisor and admin only)' })),
});
export type WorkListQuery = Static<typeof WorkListQuery>;

export const WorkList = Type.Object({
  date: Type.String(),
  owner: Literals(['me', 'all']),
  items: Type.Array(WorkItem),
});
export type WorkList = Static<typeof WorkList>;
