/**
 * My own channels: where the escalation ladder reaches me when an alert waits for someone (a mobile
 * number for SMS and calls, a group robot, e-mail). The shapes of a channel are shared with the
 * centre's channels for a role (settings), which take the same fields and an audience.
 */
import { type AnswerOf, type BodyOf, call } from '../../api/client.ts';

export type ChannelInput = BodyOf<'/api/me/channels'>;
export type Channel = AnswerOf<'/api/me/channels', 'get'>[number];
export type ChannelKind = ChannelInput['kind'];
export type Severity = NonNullable<ChannelInput['minSeverity']>;

/** The kinds in the order a member of staff reaches for them: the phone first. */
export const channelKinds: readonly ChannelKind[] = [
  'sms',
  'voice',
  'dingtalk',
  'wecom',
  'feishu',
  'email',
  'webhook',
];
export const severities: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/**
 * The kinds that take a secret: DingTalk's 加签 and Feishu's 签名校验 secret, a webhook's HMAC key
 * (made by the hub when left out). A WeCom group robot has none; SMS, calls and e-mail neither.
 */
export const secretKinds: readonly ChannelKind[] = ['dingtalk', 'feishu', 'webhook'];

/** A channel as the form holds it: text fields may be empty, quiet hours may be unset. */
export interface ChannelDraft {
  kind: ChannelKind;
  target: string;
  secret: string;
  minSeverity: Severity;
  quietFrom: string;
  quietTo: string;
}

export const emptyChannel = (): ChannelDraft => ({
  kind: 'sms',
  target: '',
  secret: '',
  minSeverity: 'low',
  quietFrom: '',
  quietTo: '',
});

/** The body the hub takes: empty fields left out, the secret only for a kind that has one. */
export function channelBody(draft: ChannelDraft): ChannelInput {
  const secret = draft.secret.trim();
  return {
    kind: draft.kind,
    target: draft.target.trim(),
    minSeverity: draft.minSeverity,
    ...(secret && secretKinds.includes(draft.kind) ? { secret } : {}),
    ...(draft.quietFrom && draft.quietTo ? { quietFrom: draft.quietFrom, quietTo: draft.quietTo } : {}),
  };
}

export const myChannels = call.get('/api/me/channels');
export const addMyChannel = call.post('/api/me/channels');
export const removeMyChannel = call.delete('/api/me/channels/{channelId}');
