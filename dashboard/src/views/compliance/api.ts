/**
 * Compliance (合规管理): what the hub keeps to answer for the records it holds. The archive's access
 * log (6.1.2.8: who read which record, when and why), the audit log and its hash chain (6.11.2.2),
 * each retiree's consents to the processing of their data (PIPL arts. 28–29, 15), and a person's
 * data exported (art. 45) or deleted on a recorded decision (art. 47) with its receipt, and the
 * retention run.
 */
import type { AuditAction, AuditEntry, AuditVerifyResult } from '../../../../server/schemas/audit.ts';
import type {
  ConsentKind,
  ConsentOverview,
  ConsentState,
  ConsentStateName,
  ConsentVersion,
} from '../../../../server/schemas/consents.ts';
import type { DeletionReceipt, RetentionReport } from '../../../../server/schemas/privacy.ts';
import { call } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import { centreDay } from '../../composables/time.ts';
import { accessLog, exportAccessLog } from '../archive/api.ts';

// The name of the retiree a deletion is confirmed by, and the staff to filter the access log by.
// The access log is the archive's, consents are a retiree's: their calls stay in those modules.
export { getRetiree, recordConsent, retireeConsents } from '../../api/retirees.ts';
export { listStaff } from '../../api/users.ts';
export type {
  AuditAction,
  AuditEntry,
  AuditVerifyResult,
  ConsentKind,
  ConsentOverview,
  ConsentState,
  ConsentStateName,
  ConsentVersion,
  DeletionReceipt,
  RetentionReport,
};

/** What a reading in the archive's access log was of, in the order the filter offers them. */
export const accessActions = ['record', 'history', 'attachment', 'export'] as const;
export type AccessAction = (typeof accessActions)[number];

/** The audit log's actions, in the order the filter offers them (server/schemas/audit.ts). */
export const auditActions: readonly AuditAction[] = [
  'read',
  'change',
  'export',
  'delete',
  'consent',
  'denied',
  'login',
  'login_failed',
  'logout',
];

/**
 * What an audit entry is about (its `targetType`): the kinds of health record the audit hook names
 * (server/audit/health-routes.ts), a sign-in's session, a refused route, a person's data.
 */
export const auditTargets = [
  'archive',
  'retiree',
  'medical',
  'rescue_card',
  'vitals',
  'consent',
  'family_account',
  'contact',
  'family_page',
  'alert',
  'visit',
  'care',
  'benefit',
  'bereavement',
  'intake',
  'convalescence',
  'retiree_privacy',
  'session',
  'route',
] as const;

export const consentKinds: readonly ConsentKind[] = ['health_processing', 'family_sharing'];
export const consentStates: readonly ConsentStateName[] = ['given', 'withdrawn'];

/** What the consent dialog opens with when it is opened on a row: that consent, to change its state. */
export interface ConsentPreset {
  kind: ConsentKind;
  familyUserId: string | null;
  state: ConsentStateName;
}

export { accessLog, exportAccessLog };
export type AccessEntry = Awaited<ReturnType<typeof accessLog>>['items'][number];

// ── the audit log ───────────────────────────────────────────────────────────────────────────────
export const auditEntries = call.get('/api/audit');
export const verifyAudit = call.get('/api/audit/verify');

// ── a person's data ─────────────────────────────────────────────────────────────────────────────
export const deleteRetireeData = call.post('/api/privacy/retirees/{id}/deletion');
export const privacyReceipts = call.get('/api/privacy/receipts');
export const runRetention = call.post('/api/privacy/retention/run');

export type PrivacyReceipt = Awaited<ReturnType<typeof privacyReceipts>>['items'][number];

/** A receipt as what it records: the hub keeps a deletion's receipt or a retention run's report whole. */
export type ShownReceipt =
  | { kind: 'deletion'; detail: DeletionReceipt }
  | { kind: 'retention'; detail: RetentionReport };

/** What a listed receipt records; null for a kind this page does not know. */
export function shownReceipt(item: PrivacyReceipt): ShownReceipt | null {
  if (item.kind === 'deletion') return { kind: 'deletion', detail: item.detail as DeletionReceipt };
  if (item.kind === 'retention') return { kind: 'retention', detail: item.detail as RetentionReport };
  return null;
}

/**
 * Everything held about one retiree as a ZIP, read with the stated reason (written to the audit
 * log), saved under the server's name, or the one it gives in its plain `filename`.
 */
export function exportRetireeData(retireeId: string, reason: string): Promise<string> {
  const day = centreDay(Date.now()).replace(/-/g, '');
  return downloadFile(
    `/api/privacy/retirees/${encodeURIComponent(retireeId)}/export`,
    `retiree-${retireeId}-${day}.zip`,
    { reason },
  );
}
