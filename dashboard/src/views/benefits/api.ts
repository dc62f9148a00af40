/** Living treatment (6.3 生活待遇): benefits with their steps and payments, preferential cards. */
import type {
  Benefit,
  BenefitApproval,
  BenefitCard,
  BenefitExportQuery,
  BenefitInput,
  BenefitQuery,
  BenefitRejection,
  BenefitStop,
  CardInput,
  CardQuery,
  CardReturn,
  PaymentInput,
} from '../../../../server/schemas/index.ts';
import { downloadFile } from '../../api/download.ts';
import { request } from '../../api/http.ts';

export type {
  Benefit,
  BenefitApproval,
  BenefitCard,
  BenefitInput,
  BenefitQuery,
  BenefitStop,
  CardInput,
  PaymentInput,
};
export type BenefitKind = Benefit['kind'];
export type BenefitStatus = Benefit['status'];
export type StopReason = BenefitStop['reason'];
export type CardKind = BenefitCard['kind'];
export type CardState = BenefitCard['state'];
export type BenefitEvent = Benefit['events'][number];
/** A step taken on a benefit from the list: decide (approve or reject), pay, stop. */
export type Step = 'decide' | 'pay' | 'stop';

export const benefitKinds: readonly BenefitKind[] = [
  'nursing_fee',
  'survivor_subsidy',
  'home_leave_meal',
  'hospital_meal',
];
export const benefitStatuses: readonly BenefitStatus[] = [
  'applied',
  'approved',
  'rejected',
  'paid',
  'stopped',
];
export const stopReasons: readonly StopReason[] = ['death', 'moved', 'not_eligible', 'other'];
export const cardKinds: readonly CardKind[] = ['veteran_card', 'senior_card', 'transport_card'];
/** The retiree's own living benefits, stopped when a death is recorded (6.10). */
export const livingKinds: readonly BenefitKind[] = ['nursing_fee', 'home_leave_meal', 'hospital_meal'];

/** Which steps a benefit in each state takes (the server answers 409 to the others). */
export const allowed = {
  decide: (status: BenefitStatus) => status === 'applied',
  pay: (status: BenefitStatus) => status === 'approved' || status === 'paid',
  stop: (status: BenefitStatus) => status === 'applied' || status === 'approved' || status === 'paid',
};

const id = (value: string) => encodeURIComponent(value);

export function listBenefits(query: BenefitQuery = {}): Promise<Benefit[]> {
  return request<Benefit[]>('/api/benefits', { query: { ...query } });
}

export function getBenefit(benefitId: string): Promise<Benefit> {
  return request<Benefit>(`/api/benefits/${id(benefitId)}`);
}

export function applyBenefit(body: BenefitInput): Promise<Benefit> {
  return request<Benefit>('/api/benefits', { method: 'POST', body });
}

export function approveBenefit(benefitId: string, body: BenefitApproval): Promise<Benefit> {
  return request<Benefit>(`/api/benefits/${id(benefitId)}/approve`, { method: 'POST', body });
}

export function rejectBenefit(benefitId: string, body: BenefitRejection): Promise<Benefit> {
  return request<Benefit>(`/api/benefits/${id(benefitId)}/reject`, { method: 'POST', body });
}

export function payBenefit(benefitId: string, body: PaymentInput): Promise<Benefit> {
  return request<Benefit>(`/api/benefits/${id(benefitId)}/payments`, { method: 'POST', body });
}

export function stopBenefit(benefitId: string, body: BenefitStop): Promise<Benefit> {
  return request<Benefit>(`/api/benefits/${id(benefitId)}/stop`, { method: 'POST', body });
}

export function exportBenefits(query: BenefitExportQuery): Promise<string> {
  return downloadFile('/api/benefits/export.xlsx', 'benefits.xlsx', { ...query });
}

export function listCards(query: CardQuery = {}): Promise<BenefitCard[]> {
  return request<BenefitCard[]>('/api/benefit-cards', { query: { ...query } });
}

export function issueCard(body: CardInput): Promise<BenefitCard> {
  return request<BenefitCard>('/api/benefit-cards', { method: 'POST', body });
}

export function returnCard(cardId: string, body: CardReturn): Promise<BenefitCard> {
  return request<BenefitCard>(`/api/benefit-cards/${id(cardId)}/return`, { method: 'POST', body });
}

export function exportCards(query: CardQuery): Promise<string> {
  return downloadFile('/api/benefit-cards/export.xlsx', 'benefit-cards.xlsx', { ...query });
}
