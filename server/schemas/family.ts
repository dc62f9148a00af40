/**
 * Families (6.11.2.4): family accounts scoped to one retiree, what their page shows, their
 * "I'm on my way" answer, and the notification channels and delivery log the staff manage.
 */
import { type Static, Type } from '@sinclair/typebox';
import { FAMILY_STAGES, FAMILY_TONES } from '../family/notice.ts';
import { AlertStatus, Outcome, Severity } from './alerts.ts';
import { Literals, Nullable, NullableTimestamp, Timestamp } from './common.ts';
import { ChannelKind as AnyChannelKind } from './escalation.ts';

export const FamilyAccountInput = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' }),
  password: Type.String({
    maxLength: 256,
    description: 'At least 12 characters, not common, not the username',
  }),
  displayName: Type.String({ minLength: 1, maxLength: 64 }),
  contactId: Type.Optional(
    Type.String({ description: "One of the retiree's contacts this account belongs to" }),
  ),
});
export type FamilyAccountInput = Static<typeof FamilyAccountInput>;

export const FamilyAccount = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  retireeId: Type.String(),
  contactId: Nullable(Type.String()),
  disabled: Type.Boolean(),
  createdAt: Timestamp,
});
export type FamilyAccount = Static<typeof FamilyAccount>;

export const FamilyAccountParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  userId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type FamilyAccountParams = Static<typeof FamilyAccountParams>;

/**
 * What the family page says about the relative: well, a device notice only, an emergency the staff
 * have not received yet, or one in hand.
 */
export const FamilyState = Literals(['well', 'notice', 'alert_open', 'being_handled']);
export type FamilyState = Static<typeof FamilyState>;

export const OnMyWay = Type.Object({
  at: Timestamp,
  etaMinutes: Nullable(Type.Integer()),
  by: Type.String({ description: 'Display name of the family member' }),
});
export type OnMyWay = Static<typeof OnMyWay>;

/** A device notice (battery low, device offline, wristband off) or an emergency (server/family/notice.ts). */
export const FamilyTone = Literals(FAMILY_TONES);
export type FamilyTone = Static<typeof FamilyTone>;

/** How far the centre has got with an alert, in the order of the workflow (server/family/notice.ts). */
export const FamilyStage = Literals(FAMILY_STAGES);
export type FamilyStage = Static<typeof FamilyStage>;

/** An alert as a family sees it: no internal notes, no device detail. */
export const FamilyAlert = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  kindName: Type.String({ description: 'The kind in Chinese, e.g. 紧急求救' }),
  severity: Severity,
  status: AlertStatus,
  tone: FamilyTone,
  stage: FamilyStage,
  statusText: Type.String({
    description: "The stage's one sentence in Chinese, e.g. 工作人员正在赶去: the page and messages say this",
  }),
  escalationLevel: Type.Integer({
    description: 'Steps of the escalation ladder taken while nobody received it (0 = none)',
  }),
  openedAt: Timestamp,
  acknowledgedAt: NullableTimestamp,
  resolvedAt: NullableTimestamp,
  handledBy: Nullable(Type.String(), {
    description: 'The staff member who has the alert (assigned, else acknowledged)',
  }),
  outcome: Nullable(Outcome),
  onMyWay: Type.Array(OnMyWay, { description: 'Family members who answered "I\'m on my way"' }),
});
export type FamilyAlert = Static<typeof FamilyAlert>;

export const FamilyStatus = Type.Object({
  retiree: Type.Object({ id: Type.String(), name: Type.String() }),
  state: FamilyState,
  headlineId: Nullable(Type.String(), {
    description:
      'The active alert the headline speaks of: emergencies before notices, the least advanced first, then the newest',
  }),
  handledBy: Nullable(Type.String(), { description: "The headline alert's handler" }),
  active: Type.Array(FamilyAlert, { description: 'Alerts still open or being handled' }),
  recent: Type.Array(FamilyAlert, { description: 'Alerts of the last 30 days, newest first' }),
  centre: Type.Object({ name: Type.String(), phone: Type.String() }),
  user: Type.Object({ displayName: Type.String() }),
});
export type FamilyStatus = Static<typeof FamilyStatus>;

export const OnMyWayBody = Type.Object({
  etaMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
  note: Type.Optional(Type.String({ maxLength: 200 })),
});
export type OnMyWayBody = Static<typeof OnMyWayBody>;

/** socket.io `familyAlert`: a change to the relative's alert, as the family sees it. */
export const FamilyAlertUpdate = Type.Object({
  change: Literals(['opened', 'updated']),
  alert: FamilyAlert,
});
export type FamilyAlertUpdate = Static<typeof FamilyAlertUpdate>;

export const ChannelKind = Literals(['email', 'webhook', 'dingtalk', 'wecom', 'feishu', 'sms', 'voice']);
export type ChannelKind = Static<typeof ChannelKind>;

export const ChannelInput = Type.Object({
  kind: ChannelKind,
  target: Type.String({
    minLength: 3,
    maxLength: 512,
    description:
      'An e-mail address, a mainland mobile number (sms, voice), a robot webhook address (dingtalk, wecom, feishu), or the http(s) URL a webhook is POSTed to',
  }),
  secret: Type.Optional(
    Type.String({
      minLength: 16,
      maxLength: 256,
      description:
        "Webhook HMAC key (one is generated and returned once when left out), or a robot's signing secret",
    }),
  ),
  minSeverity: Type.Optional(Severity),
  enabled: Type.Optional(Type.Boolean()),
});
export type ChannelInput = Static<typeof ChannelInput>;

export const Channel = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  kind: ChannelKind,
  target: Type.String(),
  minSeverity: Severity,
  enabled: Type.Boolean(),
  hasSecret: Type.Boolean(),
  createdAt: Timestamp,
});
export type Channel = Static<typeof Channel>;

export const CreatedChannel = Type.Object({
  channel: Channel,
  secret: Nullable(Type.String(), { description: 'The webhook key, shown this once' }),
});
export type CreatedChannel = Static<typeof CreatedChannel>;

export const ContactParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  contactId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type ContactParams = Static<typeof ContactParams>;

export const ChannelParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  contactId: Type.String({ minLength: 1, maxLength: 64 }),
  channelId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type ChannelParams = Static<typeof ChannelParams>;

export const NotifyReason = Literals([
  'opened',
  'escalated',
  'acknowledged',
  'in_progress',
  'resolved',
  'cancelled',
]);
export type NotifyReason = Static<typeof NotifyReason>;

export const Delivery = Type.Object({
  id: Type.Integer(),
  alertId: Type.String(),
  channelId: Type.String(),
  kind: AnyChannelKind,
  target: Type.String(),
  contactName: Nullable(Type.String()),
  staffName: Nullable(Type.String(), { description: 'The staff member reached, for a staff channel' }),
  provider: Nullable(Type.String(), { description: 'The SMS or voice provider that took it' }),
  cost: Nullable(Type.String(), { description: 'What the provider said it cost, when it says' }),
  reason: Type.String(),
  attempt: Type.Integer({ minimum: 1 }),
  status: Literals(['sent', 'failed', 'retrying']),
  at: Timestamp,
  response: Nullable(Type.String()),
  error: Nullable(Type.String()),
});
export type Delivery = Static<typeof Delivery>;
