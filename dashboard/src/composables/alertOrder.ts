/**
 * The order of the alert queue and which of two copies of an alert is newer, from the vocabulary the
 * server uses too (devices/alerts.ts): statuses in the order the transition table moves alerts,
 * severities most severe first. No i18n or DOM here, so the order can be checked beside the server's.
 */
import { severityRank, statusRank } from '../../../devices/alerts.ts';
import type { Severity } from '../../../devices/contract.ts';
import type { Alert } from '../../../server/schemas/index.ts';

export { statusRank };

export function severityOrder(severity: Severity): number {
  return severityRank[severity];
}

/**
 * The queue: unacknowledged first (then by status), then by severity, then the one waiting longest
 * first. Waiting counts from when the alert opened, not from its latest repeat, so a new alert of the
 * same severity, or a repeat of a younger one, never goes ahead of an older one still waiting; the id
 * settles a tie, so every screen shows the same order.
 */
export function queueOrder(a: Alert, b: Alert): number {
  return (
    statusRank[a.status] - statusRank[b.status] ||
    severityOrder(a.severity) - severityOrder(b.severity) ||
    a.openedAt.localeCompare(b.openedAt) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * True when `incoming` is an older copy of `existing` (an event overtaken by an API answer): an
 * earlier status, or the same status with an earlier last occurrence. It must not undo a step.
 */
export function isOlderCopy(incoming: Alert, existing: Alert): boolean {
  const stepBack = statusRank[incoming.status] < statusRank[existing.status];
  const older =
    statusRank[incoming.status] === statusRank[existing.status] && incoming.lastAt < existing.lastAt;
  return stepBack || older;
}
