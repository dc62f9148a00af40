/** Names of alert kinds come from devices/alerts.ts, the single list the gateway and server use too. */
import { kindInfo, type Severity } from '../../../devices/alerts.ts';
import { currentLocale } from '../modules/i18n.ts';

export { severityOrder } from './alertOrder.ts';
export type { Severity };

export function kindName(kind: string): string {
  const info = kindInfo(kind);
  if (!info) return kind;
  return currentLocale.value === 'en' ? info.en : info.zh;
}

/** Element Plus tag types per severity; critical and high are both red, told apart by their label. */
export const severityTagType: Record<Severity, 'danger' | 'warning' | 'info'> = {
  critical: 'danger',
  high: 'danger',
  medium: 'warning',
  low: 'info',
};

/** The device id of the hub itself: the subject of security alerts (server/devices/revocations.ts). */
export const HUB_DEVICE_ID = '_hub';

/** Who an alert is about, for its title line: the retiree, the hub itself, or no one bound. */
export function alertSubject(
  alert: { retireeName: string | null; retireeId: string | null; deviceId: string; kind?: string },
  t: (key: string) => string,
): string {
  if (alert.retireeName) return alert.retireeName;
  if (alert.kind === 'outage') return t('alerts.centre');
  if (alert.deviceId === HUB_DEVICE_ID) return t('alerts.hub');
  return alert.retireeId ?? t('alerts.unknownRetiree');
}

/**
 * The words of an alert's hint: "device fault?" with why when detection said (readings no wearer
 * can have, or leaping back and forth: gateway/detect/fault.ts); another hint as it is.
 */
export function hintText(
  alert: { hint: string | null; detail: Record<string, unknown> },
  t: (key: string) => string,
): string {
  if (alert.hint !== 'device_fault?') return alert.hint ?? '';
  const fault = alert.detail.fault;
  if (fault === 'impossible' || fault === 'flapping') return t(`desk.deviceFaultWhy.${fault}`);
  return t('desk.deviceFault');
}
