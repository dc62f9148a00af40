import { type Static, Type } from '@sinclair/typebox';
import { Severity } from './alerts.ts';
import { Literals } from './common.ts';

/**
 * Whom a step of the ladder tells, resolved when the alert reaches it: `on_duty` the operators on
 * the duty roster now; `supervisor` the supervisor on duty now, else every supervisor; `manager`
 * the centre's managers (administrators); `family` the retiree's contacts. Each staff member is
 * reached on their own channels, and a role also on the centre's channels for it (a group robot).
 */
export const Audience = Literals(['on_duty', 'supervisor', 'manager', 'family']);
export type Audience = Static<typeof Audience>;

/** How a message is sent. */
export const ChannelKind = Literals(['email', 'webhook', 'dingtalk', 'wecom', 'feishu', 'sms', 'voice']);
export type ChannelKind = Static<typeof ChannelKind>;

export const EscalationStep = Type.Object({
  level: Type.Integer({ minimum: 1 }),
  afterSeconds: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    description: 'Seconds after opening, if still unacknowledged',
  }),
  notify: Type.Array(Audience, { uniqueItems: true, description: 'Audiences told at this step' }),
  users: Type.Optional(
    Type.Array(Type.String({ format: 'uuid' }), {
      uniqueItems: true,
      maxItems: 20,
      description: 'Staff told at this step by name, besides the audiences',
    }),
  ),
  channels: Type.Optional(
    Type.Array(ChannelKind, {
      uniqueItems: true,
      minItems: 1,
      description: 'The channel kinds used at this step; every kind when left out',
    }),
  ),
  severities: Type.Optional(
    Type.Array(Severity, {
      uniqueItems: true,
      minItems: 1,
      description: 'The severities this step tells of; every severity when left out',
    }),
  ),
  repeatMinutes: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1440,
      description: 'Remind the same people every so many minutes until someone acknowledges',
    }),
  ),
});
export type EscalationStep = Static<typeof EscalationStep>;

export const EscalationLadderBody = Type.Object({
  steps: Type.Array(Type.Omit(EscalationStep, ['level']), { minItems: 1, maxItems: 10 }),
});
export type EscalationLadderBody = Static<typeof EscalationLadderBody>;
