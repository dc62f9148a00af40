/** Names of alert kinds come from devices/alerts.ts, the single list the gateway and server use too. */
import { alertKinds, severityRank } from '../../../devices/alerts.ts';
import type { Severity } from '../../../devices/contract.ts';
import { currentLocale } from '../modules/i18n.ts';

export type { Severity };

export function kindName(kind: string): string {
  const info = (alertKinds as Record<string, { zh: string; en: string } | undefined>)[kind];
  if (!info) return kind;
  return currentLocale.value === 'en' ? info.en : info.zh;
}

export function severityOrder(severity: Severity): number {
  return severityRank[severity];
}

/** Element Plus tag types per severity; critical and high are both red, told apart by their label. */
export const severityTagType: Record<Severity, 'danger' | 'warning' | 'info'> = {
  critical: 'danger',
  high: 'danger',
  medium: 'warning',
  low: 'info',
};
