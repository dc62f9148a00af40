/**
 * Consents per retiree (PIPL: health data is sensitive and needs its own consent; sharing it with a
 * family member is a separate consent). Every change is a new version; the latest is in force.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Nullable, NullableTimestamp, Timestamp } from './common.ts';

export const CONSENT_KINDS = ['health_processing', 'family_sharing'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];
export const CONSENT_STATES = ['given', 'withdrawn'] as const;
export type ConsentStateName = (typeof CONSENT_STATES)[number];

const Kind = Type.Union(
  CONSENT_KINDS.map((kind) => Type.Literal(kind)),
  {
    description:
      'health_processing 健康数据处理 (the centre processing the health data); family_sharing 与家属共享 (one family account seeing the family page)',
  },
);
const State = Type.Union(
  CONSENT_STATES.map((state) => Type.Literal(state)),
  { description: 'given 同意; withdrawn 撤回' },
);

export const ConsentVersion = Type.Object({
  id: Type.String(),
  retireeId: Type.String(),
  kind: Kind,
  familyUserId: Nullable(Type.String()),
  familyName: Nullable(Type.String()),
  version: Type.Integer({ minimum: 1 }),
  state: State,
  basis: Type.String({ description: 'On what basis it was recorded, e.g. a signed form, a phone call' }),
  recordedBy: Nullable(Type.String()),
  recordedByName: Type.String(),
  recordedAt: Timestamp,
  grandfathered: Type.Boolean({
    description: 'Recorded by migration 017 for what existed before consents were kept',
  }),
});
export type ConsentVersion = Static<typeof ConsentVersion>;

export const ConsentState = Type.Object({
  kind: Kind,
  familyUserId: Nullable(Type.String()),
  familyName: Nullable(Type.String()),
  state: State,
  /** 0 when nothing is recorded yet: then consent counts as given (server/consent/service.ts). */
  version: Type.Integer({ minimum: 0 }),
  recorded: Type.Boolean({ description: 'false: no version yet, given by default' }),
  basis: Nullable(Type.String()),
  recordedByName: Nullable(Type.String()),
  recordedAt: NullableTimestamp,
  grandfathered: Type.Boolean(),
});
export type ConsentState = Static<typeof ConsentState>;

export const ConsentOverview = Type.Object({
  current: Type.Array(ConsentState, {
    description: 'health_processing first, then family_sharing for each family account of the retiree',
  }),
  history: Type.Array(ConsentVersion, { description: 'Every version, newest first' }),
});
export type ConsentOverview = Static<typeof ConsentOverview>;

// Kinds and states are checked in the service so each field gets its own message in Chinese.
export const ConsentInput = Type.Object(
  {
    kind: Type.String({ maxLength: 40, description: 'health_processing or family_sharing' }),
    state: Type.String({ maxLength: 20, description: 'given or withdrawn' }),
    basis: Type.String({
      maxLength: 500,
      description: 'Required: what the record rests on (signed form, call with the retiree, guardian…)',
    }),
    familyUserId: Type.Optional(
      Type.String({ maxLength: 64, description: 'The family account, for family_sharing only' }),
    ),
  },
  { additionalProperties: false },
);
export type ConsentInput = Static<typeof ConsentInput>;
