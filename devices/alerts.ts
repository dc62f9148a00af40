/**
 * The alert vocabulary, one module for every layer: the detection rules (gateway/detect/), the
 * workflow, records, API schemas, notifications and wall (server/), and the dashboard's queue. It
 * holds the kinds with their default severity and the words users see, the severities in order,
 * the statuses in order, and the one table of which action moves an alert from which status to
 * which (5.1.7). Data and pure functions only.
 */

/** Severities, most severe first: the order of the queue and the wall, and of notification thresholds. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** 0 for the most severe: a lower rank comes first. */
export const severityRank: Readonly<Record<Severity, number>> = rankOf(SEVERITIES);

/** Each severity's Chinese name, as messages and reports print it. */
export const severityNames: Readonly<Record<Severity, string>> = {
  critical: '紧急',
  high: '高',
  medium: '中',
  low: '低',
};

/** The more severe of the two (`b` when they are equal). */
export function moreSevere(a: Severity, b: Severity): Severity {
  return severityRank[a] < severityRank[b] ? a : b;
}

/** Alert kinds, as the README describes them ("Alerts"). */
export const ALERT_KINDS = [
  'sos',
  'fall',
  'smoke',
  'gas',
  'water_leak',
  'hr_high',
  'hr_low',
  'spo2_low',
  'inactivity',
  'bed_exit_night',
  'device_offline',
  'battery_low',
  'wearable_removed',
  'test',
  /** A retiree at risk of wandering left their safe zone (server/location/). */
  'wander',
  /** Bursts of refused devices or sign-ins, disconnect storms: the hub itself is the subject. */
  'security',
  /**
   * Many devices offline at once (a power cut, a network fault): one incident listing them, into
   * which their `device_offline` alerts fold (server/alerts/outage.ts).
   */
  'outage',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertKindInfo {
  /** The severity an alert of this kind opens with. */
  severity: Severity;
  /** The severity when the device is not sure (a suspected fall); `severity` otherwise. */
  suspected?: Severity;
  /** The retiree may cancel it from the device before anyone acknowledged (`cancel` below). */
  cancellable?: true;
  zh: string;
  en: string;
}

export const alertKinds: Readonly<Record<AlertKind, AlertKindInfo>> = {
  sos: { severity: 'critical', cancellable: true, zh: '紧急求救', en: 'SOS' },
  fall: { severity: 'critical', suspected: 'high', cancellable: true, zh: '跌倒', en: 'Fall' },
  smoke: { severity: 'critical', zh: '烟雾报警', en: 'Smoke' },
  gas: { severity: 'critical', zh: '燃气泄漏', en: 'Gas leak' },
  water_leak: { severity: 'medium', zh: '漏水', en: 'Water leak' },
  hr_high: { severity: 'high', zh: '心率过高', en: 'Heart rate high' },
  hr_low: { severity: 'high', zh: '心率过低', en: 'Heart rate low' },
  spo2_low: { severity: 'high', zh: '血氧过低', en: 'SpO2 low' },
  inactivity: { severity: 'medium', zh: '长时间无活动', en: 'Inactivity' },
  bed_exit_night: { severity: 'medium', zh: '夜间离床', en: 'Out of bed at night' },
  device_offline: { severity: 'low', zh: '设备离线', en: 'Device offline' },
  battery_low: { severity: 'low', zh: '电量低', en: 'Battery low' },
  wearable_removed: { severity: 'medium', zh: '手环摘除', en: 'Wearable removed' },
  test: { severity: 'low', zh: '测试按键', en: 'Test press' },
  wander: { severity: 'high', zh: '离开安全区域', en: 'Left safe zone' },
  security: { severity: 'high', zh: '安全事件', en: 'Security event' },
  outage: { severity: 'high', zh: '大面积离线', en: 'Outage' },
};

/** What is known of a stored alert's kind (null for a kind this version does not know). */
export function kindInfo(kind: string): AlertKindInfo | null {
  // Own keys only: `constructor` or `__proto__` is no kind.
  return Object.hasOwn(alertKinds, kind) ? alertKinds[kind as AlertKind] : null;
}

/** The severity a candidate of `kind` opens with; a suspected event may be less severe. */
export function severityOf(kind: AlertKind, certainty: 'confirmed' | 'suspected' = 'confirmed'): Severity {
  const info = alertKinds[kind];
  return certainty === 'suspected' ? (info.suspected ?? info.severity) : info.severity;
}

/**
 * Statuses in the order an alert moves through them: no action moves an alert to a status of a
 * lower rank, so of two copies of one alert the one of higher rank is the newer (the dashboard
 * keeps it).
 */
export const ALERT_STATUSES = ['open', 'acknowledged', 'in_progress', 'resolved', 'cancelled'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const statusRank: Readonly<Record<AlertStatus, number>> = rankOf(ALERT_STATUSES);

/** A new alert is open. */
export const OPENING_STATUS = 'open' satisfies AlertStatus;

/** Statuses in which an alert still needs someone: the queue, and the one-active-alert-per-kind rule. */
export const ACTIVE_STATUSES = [
  'open',
  'acknowledged',
  'in_progress',
] as const satisfies readonly AlertStatus[];

export function isActive(status: AlertStatus): boolean {
  return (ACTIVE_STATUSES as readonly AlertStatus[]).includes(status);
}

/** What can happen to an alert, by whom: staff, the retiree's device, the hub itself, the family. */
export const ALERT_ACTIONS = [
  'acknowledge',
  'take',
  'assign',
  'action',
  'help_coming',
  'resolve',
  'comment',
  'cancel',
  'cancel_request',
  'repeat',
  'escalate',
  'family_on_way',
] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export interface AlertTransition {
  /**
   * The statuses the action is allowed in. In any other, the API answers 409 naming the status
   * (a comment is allowed in all of them); the device's or the hub's own action changes nothing.
   */
  from: readonly AlertStatus[];
  /** The status it moves the alert to; `same` when it is noted on the alert and the status stays. */
  to: AlertStatus | 'same';
}

/**
 * The alert state machine (5.1.7). Every step is also stored as a step of the alert, with who and
 * when (server/store/alerts.ts); the API routes and the family page check nothing of their own.
 */
export const alertTransitions = {
  // Staff, on the queue (server/alerts/workflow.ts).
  acknowledge: { from: ['open'], to: 'acknowledged' },
  /** An operator takes an active alert (another operator's only by a supervisor: 409 otherwise). */
  take: { from: ACTIVE_STATUSES, to: 'same' },
  /** A supervisor gives an active alert to someone (others: 403). */
  assign: { from: ACTIVE_STATUSES, to: 'same' },
  /**
   * What was done (a call, staff sent, the hand-over to 120), and "help is on the way" to the
   * device: the work is under way. An open alert is acknowledged on the way.
   */
  action: { from: ACTIVE_STATUSES, to: 'in_progress' },
  help_coming: { from: ACTIVE_STATUSES, to: 'in_progress' },
  resolve: { from: ACTIVE_STATUSES, to: 'resolved' },
  comment: { from: ALERT_STATUSES, to: 'same' },
  // The retiree presses cancel on the device, for a cancellable kind (alertKinds above).
  /** Nobody acknowledged yet: the alert is cancelled. */
  cancel: { from: ['open'], to: 'cancelled' },
  /** Staff already handle it: it stays, with the request noted for them. */
  cancel_request: { from: ['acknowledged', 'in_progress'], to: 'same' },
  // The hub itself.
  /** Another occurrence of the kind folds into the active alert; once it is closed, a new one opens. */
  repeat: { from: ACTIVE_STATUSES, to: 'same' },
  /** The escalation ladder climbs while nobody acknowledged (server/alerts/escalation.ts). */
  escalate: { from: ['open'], to: 'same' },
  // The family (server/family/service.ts): "I'm on my way".
  family_on_way: { from: ACTIVE_STATUSES, to: 'same' },
} as const satisfies Record<AlertAction, AlertTransition>;

/** Actions that move an alert to another status (the others are noted and leave it where it is). */
export type StatusChange = {
  [A in AlertAction]: (typeof alertTransitions)[A]['to'] extends 'same' ? never : A;
}[AlertAction];

/** The statuses `action` is allowed in. */
export function allowedIn(action: AlertAction): readonly AlertStatus[] {
  return alertTransitions[action].from;
}

/** Where `action` takes an alert in `status`; null when it is not allowed there. */
export function nextStatus(status: AlertStatus, action: AlertAction): AlertStatus | null {
  const transition: AlertTransition = alertTransitions[action];
  if (!transition.from.includes(status)) return null;
  return transition.to === 'same' ? status : transition.to;
}

function rankOf<T extends string>(values: readonly T[]): Record<T, number> {
  return Object.fromEntries(values.map((value, index) => [value, index])) as Record<T, number>;
}
