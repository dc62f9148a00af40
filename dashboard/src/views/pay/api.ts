/**
 * Money (资金管理: 6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4): each retiree's pay items and the month's run,
 * pay withheld under a suspension and paid back as arrears, medical reimbursements with their
 * receipts, the one-off payments after a death, a retiree's ledger and the month's totals with
 * their workbook. Amounts are whole fen on the wire.
 */
import type {
  ClaimKind,
  ClaimStatus,
  LumpSumKind,
  MonthLine,
  PayItemEnd,
  PayItemKind,
} from '../../../../server/schemas/pay.ts';
import { call } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import { recordCalls } from '../../api/records.ts';

export type {
  Arrears,
  ClaimKind,
  ClaimStatus,
  Ledger,
  LedgerMonth,
  LumpSum,
  LumpSumKind,
  MedicalClaim,
  MonthLine,
  PayItem,
  PayItemEnd,
  PayItemKind,
  PayMonth,
  PayRun,
  Receipt,
} from '../../../../server/schemas/pay.ts';
// An out-of-town claim names an approved out-of-town treatment: that list is medical care's.
export { type Treatment, treatmentRecords } from '../medical/api.ts';

/** The kinds of pay item in the order the page offers them. */
export const payItemKinds: readonly PayItemKind[] = [
  'pension',
  'living_allowance',
  'post_allowance',
  'heating',
  'property',
  'other',
];
export const payItemEnds: readonly PayItemEnd[] = ['adjusted', 'death', 'stopped'];

export const claimKinds: readonly ClaimKind[] = ['outpatient', 'inpatient', 'out_of_town', 'subsidy'];
export const claimStatuses: readonly ClaimStatus[] = ['submitted', 'approved', 'rejected', 'paid'];
/** A manager's step on a claim, and the status each is taken from (the hub answers 409 to the others). */
export type ClaimStep = 'approve' | 'reject' | 'pay';
export const claimStepFrom: Record<ClaimStep, ClaimStatus> = {
  approve: 'submitted',
  reject: 'submitted',
  pay: 'approved',
};

export const lumpSumKinds: readonly LumpSumKind[] = ['funeral_allowance', 'survivor_pension', 'other'];

/** The groups of a month's lines, in the order the month shows them. */
export const monthGroups: readonly MonthLine['group'][] = [
  'pay',
  'arrears',
  'benefit',
  'claim',
  'lump_sum',
  'withheld',
];

/** At most this many receipts on one claim (the hub's limit). */
export const MAX_RECEIPTS = 100;

export const itemRecords = recordCalls('/api/pay/items', 'pay-items.xlsx');
export const adjustItem = call.post('/api/pay/items/{id}/adjust');
export const stopItem = call.post('/api/pay/items/{id}/stop');

export const runMonth = call.post('/api/pay/runs');

export const arrearsList = call.get('/api/pay/arrears');
export const payArrears = call.post('/api/pay/arrears/{retireeId}');

export const ledgerOf = call.get('/api/pay/ledger/{retireeId}');

export const claimRecords = recordCalls('/api/pay/claims', 'medical-claims.xlsx');
export const getClaim = call.get('/api/pay/claims/{id}');
export const approveClaim = call.post('/api/pay/claims/{id}/approve');
export const rejectClaim = call.post('/api/pay/claims/{id}/reject');
export const payClaim = call.post('/api/pay/claims/{id}/pay');

export const lumpSumRecords = recordCalls('/api/pay/lump-sums', 'lump-sums.xlsx');

export const payMonths = call.get('/api/pay/months');

/** The month's workbook (the totals, then every payment behind them); resolves with the file name. */
export function exportMonth(period: string): Promise<string> {
  return downloadFile(`/api/pay/months/${period}/export.xlsx`, `pay-${period}.xlsx`);
}
