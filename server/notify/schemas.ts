/** The API's shapes for staff and role channels, and the centre's SMS and voice providers. */
import { type Static, Type } from '@sinclair/typebox';
import { Severity } from '../schemas/alerts.ts';
import { Literals, Nullable, Timestamp } from '../schemas/common.ts';
import { ChannelKind } from '../schemas/escalation.ts';
import { PHONE_PROVIDER_KINDS } from './provider-settings.ts';

const ClockTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, centre time' });

export const CentreChannelInput = Type.Object(
  {
    kind: ChannelKind,
    target: Type.String({
      minLength: 3,
      maxLength: 512,
      description:
        'A mobile number (sms, voice), an e-mail address, a robot webhook address (dingtalk, wecom, feishu) or a webhook URL',
    }),
    secret: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 256,
        description: "A robot's signing secret (加签 / 签名校验), or a webhook's HMAC key",
      }),
    ),
    minSeverity: Type.Optional({
      ...Severity,
      description: 'The least severe alert told; default low for staff',
    }),
    enabled: Type.Optional(Type.Boolean()),
    quietFrom: Type.Optional({ ...ClockTime, description: 'Quiet hours start (not for critical alerts)' }),
    quietTo: Type.Optional({ ...ClockTime, description: 'Quiet hours end' }),
  },
  { additionalProperties: false },
);
export type CentreChannelInput = Static<typeof CentreChannelInput>;

export const RoleChannelInput = Type.Composite([
  Type.Object({ audience: Literals(['on_duty', 'supervisor', 'manager']) }),
  CentreChannelInput,
]);
export type RoleChannelInput = Static<typeof RoleChannelInput>;

export const CentreChannel = Type.Object({
  id: Type.String(),
  audience: Literals(['staff', 'on_duty', 'supervisor', 'manager']),
  userId: Nullable(Type.String()),
  userName: Nullable(Type.String()),
  kind: ChannelKind,
  target: Type.String({ description: "A robot's access token is shown masked" }),
  minSeverity: Severity,
  enabled: Type.Boolean(),
  hasSecret: Type.Boolean(),
  quietFrom: Nullable(ClockTime),
  quietTo: Nullable(ClockTime),
});
export type CentreChannel = Static<typeof CentreChannel>;

export const ChannelIdParams = Type.Object({ channelId: Type.String() });
export const UserChannelParams = Type.Object({ id: Type.String(), channelId: Type.String() });

export const PhoneProviderKind = Literals(PHONE_PROVIDER_KINDS);

export const ProviderBody = Type.Object(
  {
    config: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'Alibaba Cloud: accessKeyId, accessKeySecret, signName, templateCode (SMS), ttsCode, calledShowNumber (voice). Tencent Cloud: secretId, secretKey, smsSdkAppId, signName, templateId (SMS), voiceSdkAppId, voiceTemplateId (voice), templateParamOrder',
    }),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 9, description: '1 is tried first' })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ProviderBody = Static<typeof ProviderBody>;

export const ProviderSummary = Type.Object({
  kind: PhoneProviderKind,
  priority: Type.Integer(),
  enabled: Type.Boolean(),
  fields: Type.Array(Type.String(), { description: 'The fields set; secrets are never shown again' }),
  updatedAt: Timestamp,
});

export const ProviderParams = Type.Object({ kind: PhoneProviderKind });
