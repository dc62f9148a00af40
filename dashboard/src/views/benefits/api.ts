/** Living treatment (6.3 生活待遇): benefits with their steps and payments, preferential cards. */
import type { Benefit, BenefitCard, BenefitStop } from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { recordCalls } from '../../api/records.ts';

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

export const benefitRecords = recordCalls('/api/benefits', 'benefits.xlsx');
export const getBenefit = call.get('/api/benefits/{id}');
export const approveBenefit = call.post('/api/benefits/{id}/approve');
export const rejectBenefit = call.post('/api/benefits/{id}/reject');
export const payBenefit = call.post('/api/benefits/{id}/payments');
export const stopBenefit = call.post('/api/benefits/{id}/stop');

export const cardRecords = recordCalls('/api/benefit-cards', 'benefit-cards.xlsx');
export const returnCard = call.post('/api/benefit-cards/{id}/return');
