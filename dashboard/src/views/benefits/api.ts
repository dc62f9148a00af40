/** Living treatment (6.3 生活待遇): benefits with their steps and payments, preferential cards. */
import type { Benefit, BenefitCard, BenefitStop } from '../../../../server/schemas/index.ts';
import { api, type BodyOf, data, type QueryOf } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

export type {
  Benefit,
  BenefitApproval,
  BenefitCard,
  BenefitInput,
  BenefitQuery,
  BenefitStop,
  CardInput,
  PaymentInput,
} from '../../../../server/schemas/index.ts';
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

export function listBenefits(query: QueryOf<'/api/benefits'> = {}): Promise<Benefit[]> {
  return data(api.GET('/api/benefits', { params: { query } }));
}

export function getBenefit(benefitId: string): Promise<Benefit> {
  return data(api.GET('/api/benefits/{id}', { params: { path: { id: benefitId } } }));
}

export function applyBenefit(body: BodyOf<'/api/benefits'>): Promise<Benefit> {
  return data(api.POST('/api/benefits', { body }));
}

export function approveBenefit(
  benefitId: string,
  body: BodyOf<'/api/benefits/{id}/approve'>,
): Promise<Benefit> {
  return data(api.POST('/api/benefits/{id}/approve', { params: { path: { id: benefitId } }, body }));
}

export function rejectBenefit(
  benefitId: string,
  body: BodyOf<'/api/benefits/{id}/reject'>,
): Promise<Benefit> {
  return data(api.POST('/api/benefits/{id}/reject', { params: { path: { id: benefitId } }, body }));
}

export function payBenefit(benefitId: string, body: BodyOf<'/api/benefits/{id}/payments'>): Promise<Benefit> {
  return data(api.POST('/api/benefits/{id}/payments', { params: { path: { id: benefitId } }, body }));
}

export function stopBenefit(benefitId: string, body: BodyOf<'/api/benefits/{id}/stop'>): Promise<Benefit> {
  return data(api.POST('/api/benefits/{id}/stop', { params: { path: { id: benefitId } }, body }));
}

export function exportBenefits(query: QueryOf<'/api/benefits/export.xlsx'>): Promise<string> {
  return downloadFile('/api/benefits/export.xlsx', 'benefits.xlsx', { ...query });
}

export function listCards(query: QueryOf<'/api/benefit-cards'> = {}): Promise<BenefitCard[]> {
  return data(api.GET('/api/benefit-cards', { params: { query } }));
}

export function issueCard(body: BodyOf<'/api/benefit-cards'>): Promise<BenefitCard> {
  return data(api.POST('/api/benefit-cards', { body }));
}

export function returnCard(
  cardId: string,
  body: BodyOf<'/api/benefit-cards/{id}/return'>,
): Promise<BenefitCard> {
  return data(api.POST('/api/benefit-cards/{id}/return', { params: { path: { id: cardId } }, body }));
}

export function exportCards(query: QueryOf<'/api/benefit-cards/export.xlsx'>): Promise<string> {
  return downloadFile('/api/benefit-cards/export.xlsx', 'benefit-cards.xlsx', { ...query });
}
