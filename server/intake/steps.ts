/**
 * The intake checklist (6.1.1 a–e, with the requirements of 6.1.2), as data: each step with its item,
 * clause, title, whether it is required and the days allowed from the day the case is opened. Steps that
 * do not apply to every retiree (a party organisation to transfer, the disabled veteran's card, the senior
 * card) are optional: they are done or marked not applicable, with the reason.
 */
import type { IntakeStepKind } from '../schemas/intake.ts';
import { stepDeadlines } from '../settings/deadlines.ts';

export interface StepDefinition {
  step: IntakeStepKind;
  item: 'a' | 'b' | 'c' | 'd' | 'e';
  clause: string;
  title: string;
  required: boolean;
  /** Days allowed from the day the case is opened ("随退随审，即交即接", 6.1.2.1). */
  days: number;
}

export const STEPS: readonly StepDefinition[] = [
  {
    step: 'files_verified',
    item: 'a',
    clause: '6.1.1 a',
    title: '核对移交档案材料',
    required: true,
    days: 7,
  },
  { step: 'placement_decided', item: 'a', clause: '6.1.2.2', title: '审定安置去向', required: true, days: 7 },
  {
    step: 'pension_confirmed',
    item: 'a',
    clause: '6.1.1 a',
    title: '核准个人离休退休费标准',
    required: true,
    days: 7,
  },
  {
    step: 'insurance_transferred',
    item: 'a',
    clause: '6.1.2.3',
    title: '会同部队转入养老、医疗等社会保险关系和资金',
    required: true,
    days: 30,
  },
  {
    step: 'three_party_meeting',
    item: 'b',
    clause: '6.1.2.4',
    title: '召开“三方”见面会，核对档案材料和待遇项目',
    required: true,
    days: 14,
  },
  {
    step: 'agreement_signed',
    item: 'c',
    clause: '6.1.2.4, 6.1.2.6',
    title: '签订“三方”移交安置协议书',
    required: true,
    days: 14,
  },
  {
    step: 'household_registration',
    item: 'd',
    clause: '6.1.2.5',
    title: '协助办理落户',
    required: true,
    days: 30,
  },
  {
    step: 'organisation_relation',
    item: 'd',
    clause: '6.1.2.5',
    title: '协助转接组织关系',
    required: false,
    days: 30,
  },
  {
    step: 'medical_relation',
    item: 'd',
    clause: '6.1.2.5',
    title: '协助办理医疗关系（医保）',
    required: true,
    days: 30,
  },
  { step: 'id_card', item: 'd', clause: '6.1.2.5', title: '协助办理身份证', required: true, days: 30 },
  {
    step: 'social_security_card',
    item: 'd',
    clause: '6.1.2.5, 6.1.2.6',
    title: '协助办理社会保障卡',
    required: true,
    days: 60,
  },
  { step: 'pay_card', item: 'd', clause: '6.1.2.5', title: '协助办理工资卡', required: true, days: 30 },
  {
    step: 'senior_card',
    item: 'd',
    clause: '6.1.2.5',
    title: '协助办理老年优待证',
    required: false,
    days: 60,
  },
  {
    step: 'disabled_veteran_card',
    item: 'd',
    clause: '6.1.2.5',
    title: '协助办理残疾军人证',
    required: false,
    days: 60,
  },
  {
    step: 'welcome_meeting',
    item: 'd',
    clause: '6.1.2.7',
    title: '召开欢迎会，介绍情况，参观军休机构',
    required: true,
    days: 30,
  },
  {
    step: 'archive_filed',
    item: 'e',
    clause: '6.1.2.8',
    title: '档案归档（专人管理）',
    required: true,
    days: 30,
  },
  {
    step: 'information_entered',
    item: 'e',
    clause: '6.1.2.8',
    title: '信息录入军休干部（士官）信息管理系统',
    required: true,
    days: 30,
  },
];

/** The days each step allows, as the centre sets them (the defaults above). */
export const STEP_DAYS = stepDeadlines('intake.step_days', STEPS, {
  title: '接收安置各步骤时限（自立案之日起天数）',
  clause: '6.1.2.1',
});

export const STEP_BY_KIND: ReadonlyMap<IntakeStepKind, StepDefinition> = new Map(
  STEPS.map((definition) => [definition.step, definition]),
);

export function stepTitle(step: string): string {
  return STEP_BY_KIND.get(step as IntakeStepKind)?.title ?? step;
}
