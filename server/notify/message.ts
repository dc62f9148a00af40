/**
 * What a notification says: a Chinese subject and body for people, and a JSON body for webhook
 * gateways (SMS, WeCom, DingTalk). Times are shown in Asia/Shanghai; stored and sent as UTC.
 */

import { severityNames } from '../../devices/alerts.ts';
import { CENTRE_TIME_ZONE } from '../calendar.ts';
import { kindName } from '../family/store.ts';
import type { Alert } from '../schemas/alerts.ts';
import type { Audience, EscalationStep } from '../schemas/escalation.ts';
import type { NotifyReason } from '../schemas/family.ts';
import type { ProviderMessage } from './providers/types.ts';
import type { ChannelTarget } from './store.ts';

export interface NotificationEvent {
  reason: NotifyReason;
  alert: Alert;
  audiences: Audience[];
  /** The escalation level, for `escalated`. */
  level?: number;
  /** For `escalated`: the ladder's step (its named staff, channel kinds and severities). */
  step?: EscalationStep;
  /** For `escalated`: 0 for the climb, 1, 2… for the step's reminders. */
  reminder?: number;
  /** For `escalated`: the ladder's last step, where a critical alert may ring a phone. */
  last?: boolean;
}

/** What a message is composed from; filled once per event, shared by every channel. */
export interface MessageContext {
  event: NotificationEvent;
  handledBy: string | null;
  centre: { name: string; phone: string };
  publicUrl: string | undefined;
}

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: CENTRE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export function shanghaiTime(isoTime: string): string {
  return shanghai.format(new Date(isoTime));
}

const headline: Record<NotifyReason, string> = {
  opened: '发生告警',
  escalated: '告警尚未被接警，已升级',
  acknowledged: '值班人员已接警',
  in_progress: '值班人员正在处理',
  resolved: '告警已处理完毕',
  cancelled: '告警已取消',
};

const statusZh: Record<Alert['status'], string> = {
  open: '待接警',
  acknowledged: '已接警',
  in_progress: '处理中',
  resolved: '已处理',
  cancelled: '已取消',
};

const outcomeZh: Record<NonNullable<Alert['outcome']>, string> = {
  genuine: '确有情况',
  false_alarm: '误报',
  device_fault: '设备故障',
  test: '测试',
};

export function subjectOf(context: MessageContext): string {
  const { alert, reason } = context.event;
  const who = alert.retireeName ?? '老人';
  return `【${context.centre.name}】${who}：${kindName(alert.kind)}，${headline[reason]}`;
}

export function textOf(context: MessageContext, channel: ChannelTarget): string {
  const { alert, reason, level } = context.event;
  const who = alert.retireeName ?? '老人';
  const lines = [
    channel.contact ? `${channel.contact.name}您好：` : '您好：',
    '',
    `您的亲属${who}${reason === 'opened' ? '触发了告警' : `的告警有新进展：${headline[reason]}`}。`,
    '',
    `告警类型：${kindName(alert.kind)}（${severityNames[alert.severity]}级）`,
    `发生时间：${shanghaiTime(alert.openedAt)}（北京时间）`,
    `当前状态：${statusZh[alert.status]}`,
    `处理人员：${context.handledBy ?? '值班人员正在接警'}`,
  ];
  if (reason === 'escalated' && level !== undefined) lines.push(`升级级别：第 ${level} 级`);
  if (alert.outcome) lines.push(`处理结果：${outcomeZh[alert.outcome]}`);
  lines.push('');
  const phone = context.centre.phone ? `，电话 ${context.centre.phone}` : '';
  lines.push(`如需了解情况，请联系${context.centre.name}${phone}。`);
  if (context.publicUrl) lines.push(`家属页面：${context.publicUrl}/family`);
  lines.push('', '此邮件由军休智慧监护平台自动发送，请勿直接回复。');
  return lines.join('\n');
}

/** The webhook body: facts for a gateway, and the ready-made text for an SMS or a chat message. */
export function webhookBody(
  context: MessageContext,
  channel: ChannelTarget,
  sentAt: Date,
  deliveryId: string,
) {
  const { alert, reason, level } = context.event;
  return {
    version: 1,
    deliveryId,
    event: reason,
    level: level ?? null,
    sentAt: sentAt.toISOString(),
    alert: {
      id: alert.id,
      kind: alert.kind,
      kindName: kindName(alert.kind),
      severity: alert.severity,
      status: alert.status,
      openedAt: alert.openedAt,
      acknowledgedAt: alert.acknowledgedAt,
      resolvedAt: alert.resolvedAt,
      outcome: alert.outcome,
      handledBy: context.handledBy,
    },
    retiree: { id: alert.retireeId, name: alert.retireeName },
    contact: channel.contact,
    centre: context.centre,
    subject: subjectOf(context),
    text: textOf(context, channel),
  };
}

/** Minutes an alert has waited unacknowledged, as staff read it. */
function waited(openedAt: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(openedAt).getTime()) / 60_000));
  return minutes < 1 ? '不到 1 分钟' : `${minutes} 分钟`;
}

/**
 * What a staff member's message says: the alert, how long it has waited, and the link that acts on
 * it from the phone. Short, for a lock screen: the page behind the link has the rest.
 */
export function staffLines(context: MessageContext, link: string | null, now: Date): string[] {
  const { alert, reason, level, reminder } = context.event;
  const who = alert.retireeName ?? `设备 ${alert.deviceId}`;
  const lines = [
    `${who}：${kindName(alert.kind)}（${severityNames[alert.severity]}级）`,
    `发生时间：${shanghaiTime(alert.openedAt)}，已等待 ${waited(alert.openedAt, now)}`,
    `当前状态：${statusZh[alert.status]}${context.handledBy ? `，${context.handledBy} 处理中` : ''}`,
  ];
  if (reason === 'escalated' && level !== undefined) {
    lines.push(
      reminder ? `第 ${level} 级升级，第 ${reminder} 次提醒：仍无人接警` : `第 ${level} 级升级：无人接警`,
    );
  }
  if (link) lines.push(`接警处理：${link}`);
  return lines;
}

export function staffTitle(context: MessageContext): string {
  const { alert } = context.event;
  return `【${severityNames[alert.severity]}】${alert.retireeName ?? '老人'} ${kindName(alert.kind)}，请尽快接警`;
}

/** The message a provider (robot, SMS, voice) carries, with the template parameters centres use. */
export function providerMessage(
  context: MessageContext,
  channel: ChannelTarget,
  link: string | null,
  now: Date,
): ProviderMessage {
  const { alert, level } = context.event;
  const staff = channel.audience !== 'family';
  return {
    title: staff ? staffTitle(context) : subjectOf(context),
    lines: staff ? staffLines(context, link, now) : textOf(context, channel).split('\n'),
    link,
    severity: alert.severity,
    params: {
      name: alert.retireeName ?? '老人',
      kind: kindName(alert.kind),
      severity: severityNames[alert.severity],
      time: shanghaiTime(alert.openedAt).slice(11, 16) || shanghaiTime(alert.openedAt),
      waited: waited(alert.openedAt, now),
      level: String(level ?? 0),
      status: statusZh[alert.status],
      centre: context.centre.name,
      phone: context.centre.phone,
      link: link ?? '',
    },
  };
}
