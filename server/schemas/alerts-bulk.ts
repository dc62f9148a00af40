import { type Static, Type } from '@sinclair/typebox';
import { Alert, Outcome } from './alerts.ts';
import { Literals } from './common.ts';

/** At most this many alerts in one bulk call: an outage's worth, and an answer that stays small. */
export const BULK_MAX_IDS = 500;

export const BulkAction = Literals(['ack', 'resolve']);
export type BulkAction = Static<typeof BulkAction>;

export const AlertBulkBody = Type.Object({
  action: BulkAction,
  ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    minItems: 1,
    maxItems: BULK_MAX_IDS,
    description: 'The alerts to act on; an id given twice is acted on once',
  }),
  note: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2000,
      description:
        'One note for all: the resolution note (required to resolve); with `ack`, a comment on each',
    }),
  ),
  outcome: Type.Optional(Outcome),
});
export type AlertBulkBody = Static<typeof AlertBulkBody>;

/**
 * What became of one id: `done`; `skipped` when the alert was not in a status that allows the
 * action (already acknowledged, already resolved); `not_found` when no alert of the caller's has the
 * id; `refused` when the caller's role may not do it; `failed` when storing it failed.
 */
export const BulkResultKind = Literals(['done', 'skipped', 'not_found', 'refused', 'failed']);
export type BulkResultKind = Static<typeof BulkResultKind>;

export const AlertBulkItem = Type.Object({
  id: Type.String(),
  result: BulkResultKind,
  message: Type.Optional(Type.String()),
  /** The alert as it now is (for `done` and `skipped`). */
  alert: Type.Optional(Alert),
});
export type AlertBulkItem = Static<typeof AlertBulkItem>;

export const AlertBulkAnswer = Type.Object({
  action: BulkAction,
  done: Type.Integer(),
  skipped: Type.Integer(),
  /** Not found, refused or failed. */
  failed: Type.Integer(),
  results: Type.Array(AlertBulkItem),
});
export type AlertBulkAnswer = Static<typeof AlertBulkAnswer>;
