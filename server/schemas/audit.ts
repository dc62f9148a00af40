/** The audit log (PIPL; 6.11.2.2): who signed in, who was refused, who read or changed which record. */
import { type Static, Type } from '@sinclair/typebox';
import { Limit, Nullable, Timestamp } from './common.ts';

export const AUDIT_ACTIONS = [
  'login',
  'login_failed',
  'logout',
  'denied',
  'read',
  'change',
  'export',
  'delete',
  'consent',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditAction = Type.Union(
  AUDIT_ACTIONS.map((action) => Type.Literal(action)),
  {
    description:
      'login / login_failed / logout; denied (any 401 or 403 under /api); read, change, export, delete of a health record; consent (a consent recorded)',
  },
);

export const AuditEntry = Type.Object({
  seq: Type.Integer({ description: 'Position in the chain, from 1, without gaps' }),
  at: Timestamp,
  actorId: Nullable(Type.String()),
  actorName: Type.String({
    description: 'Display name of the signed-in user, the username tried at a failed sign-in, or "anonymous"',
  }),
  role: Type.String(),
  action: AuditAction,
  targetType: Type.String({
    description: 'What kind of record or route: archive, medical, rescue_card, vitals, family_page, route…',
  }),
  targetId: Type.String({ description: 'The path requested (which record), without the query' }),
  retireeId: Nullable(Type.String()),
  ip: Type.String(),
  result: Type.String({ description: 'Status class of the answer: 2xx, 4xx, 5xx…' }),
  detail: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String({ description: 'SHA-256 over the canonical fields and prevHash' }),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(AuditAction),
    actorId: Type.Optional(Type.String({ maxLength: 64 })),
    actorName: Type.Optional(Type.String({ maxLength: 100 })),
    retireeId: Type.Optional(Type.String({ maxLength: 64 })),
    targetType: Type.Optional(Type.String({ maxLength: 64 })),
    result: Type.Optional(Type.String({ maxLength: 8 })),
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after (ISO 8601)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before (ISO 8601)' })),
    limit: Limit(500, 50),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditPage = Type.Object({
  total: Type.Integer(),
  items: Type.Array(AuditEntry, { description: 'Newest first' }),
});
export type AuditPage = Static<typeof AuditPage>;

export const AuditVerifyResult = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer({ description: 'Rows read' }),
  firstBad: Type.Optional(
    Type.Object({
      seq: Type.Integer(),
      reason: Type.String(),
    }),
  ),
});
export type AuditVerifyResult = Static<typeof AuditVerifyResult>;
