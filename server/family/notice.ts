/**
 * What a family is told about one alert (6.11.2.4), decided once for the family page, its live
 * update and any family message: whether it is a device notice or an emergency, and the one
 * sentence that says how far the centre has got with it. Data and pure functions only. The
 * dashboard's family page words (`family.stage.*`) repeat these sentences; a test holds them equal.
 */
import { type AlertStatus, kindInfo, type Severity } from '../../devices/alerts.ts';

/** A device notice is told calmly; an emergency loudly, with what the centre is doing. */
export const FAMILY_TONES = ['notice', 'emergency'] as const;
export type FamilyTone = (typeof FAMILY_TONES)[number];

/**
 * Kinds in which the device speaks of itself rather than of the retiree: the family is asked to
 * help (charge the watch, put it back on), nobody is in danger because of them.
 */
export const DEVICE_NOTICE_KINDS = ['battery_low', 'device_offline', 'wearable_removed', 'test'] as const;

/** Severities at which a device notice stays a notice; above them it is treated as an emergency. */
const NOTICE_SEVERITIES: readonly Severity[] = ['low', 'medium'];

/**
 * A device notice of low or medium severity is a notice; every other alert (SOS, fall, smoke, gas,
 * heart rate, wandering, and a kind this version does not know) is an emergency.
 */
export function familyTone(kind: string, severity: Severity): FamilyTone {
  const device = (DEVICE_NOTICE_KINDS as readonly string[]).includes(kind) && kindInfo(kind) !== null;
  return device && NOTICE_SEVERITIES.includes(severity) ? 'notice' : 'emergency';
}

/**
 * Where the alert is in the workflow (5.1.7), as a family reads it, in order. The steps after
 * `received` are the staff's recorded actions: someone sent, help announced, the hand-over to 120.
 */
export const FAMILY_STAGES = [
  'notified',
  'received',
  'handling',
  'help_coming',
  'handed_over',
  'resolved',
  'cancelled',
] as const;
export type FamilyStage = (typeof FAMILY_STAGES)[number];

/** The one status sentence of each stage: the list, the headline and messages all say this. */
export const stageWords: Readonly<Record<FamilyStage, string>> = {
  notified: '已通知值班人员',
  received: '值班人员已收到',
  handling: '值班人员正在处理',
  help_coming: '工作人员正在赶去',
  handed_over: '已送医/已移交120',
  resolved: '已处理完毕',
  cancelled: '老人已取消告警',
};

/** Step actions (alert_steps.action) that move the family's stage on within an active alert. */
export const STAGE_ACTIONS = ['help_coming', 'sent_staff', 'handed_to_120'] as const;

/**
 * The stage from the alert's status and the actions recorded on it: a closed alert says how it
 * closed; an active one says the furthest thing the staff did (the hand-over to 120 over someone
 * sent, over a call).
 */
export function familyStage(status: AlertStatus, actions: readonly string[]): FamilyStage {
  if (status === 'resolved' || status === 'cancelled') return status;
  if (actions.includes('handed_to_120')) return 'handed_over';
  if (actions.includes('help_coming') || actions.includes('sent_staff')) return 'help_coming';
  if (status === 'in_progress') return 'handling';
  if (status === 'acknowledged') return 'received';
  return 'notified';
}
