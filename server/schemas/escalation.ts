import { type Static, Type } from '@sinclair/typebox';
import { Literals } from './common.ts';

export const Audience = Literals(['supervisor', 'family', 'manager']);
export type Audience = Static<typeof Audience>;

export const EscalationStep = Type.Object({
  level: Type.Integer({ minimum: 1 }),
  afterSeconds: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    description: 'Seconds after opening, if still unacknowledged',
  }),
  notify: Type.Array(Audience, { minItems: 1, uniqueItems: true }),
});
export type EscalationStep = Static<typeof EscalationStep>;

export const EscalationLadderBody = Type.Object({
  steps: Type.Array(Type.Omit(EscalationStep, ['level']), { minItems: 1, maxItems: 10 }),
});
export type EscalationLadderBody = Static<typeof EscalationLadderBody>;
