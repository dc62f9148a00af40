/**
 * The rules of intake that need no database: dates not in the future, the three parties present at the
 * meeting (6.1.2.4), the agreement's terms (6.1.2.6), and what still blocks completion. Each problem is
 * named by its field with a message in Chinese; the service refuses the whole request when there is one.
 */

import type { FieldError } from '../archive/fields.ts';
import { chineseDate, isDate } from '../calendar.ts';
import type {
  AgreementInput,
  IntakeStepKind,
  IntakeStepStatus,
  MedicalBearer,
  MeetingInput,
  SignatoryParty,
} from '../schemas/intake.ts';
import { STEP_BY_KIND } from './steps.ts';

export const MEDICAL_BEARER_NAMES: Record<MedicalBearer, string> = {
  sending_unit: '部队移交单位',
  centre: '军休机构',
  retiree: '军休干部（士官）本人',
};

export const PARTY_NAMES: Record<SignatoryParty, string> = {
  centre: '军休机构',
  unit: '部队移交单位',
  retiree: '移交对象',
  guardian: '监护人',
};

/** Collects problems per field; `throwIfAny` hands them to the caller's error type. */
export class Problems {
  readonly list: FieldError[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
  get any(): boolean {
    return this.list.length > 0;
  }
}

/** A real date, not after `today`; `label` names it in the message. */
export function checkPastDate(
  problems: Problems,
  field: string,
  value: string,
  today: string,
  label: string,
): void {
  if (!isDate(value)) problems.add(field, `${label}不是有效日期`);
  else if (value > today) problems.add(field, `${label}不能晚于今天`);
}

export function checkNotBlank(problems: Problems, field: string, value: string | undefined, label: string) {
  if (value !== undefined && value.trim() === '') problems.add(field, `请填写${label}`);
}

/** 6.1.2.4: the meeting is of three parties; each side must have someone there. */
export function checkMeeting(input: MeetingInput, today: string): Problems {
  const problems = new Problems();
  checkPastDate(problems, 'heldOn', input.heldOn, today, '见面会日期');
  checkNotBlank(problems, 'place', input.place, '见面会地点');
  checkNotBlank(problems, 'centreName', input.centreName, '军休机构名称');
  checkNotBlank(problems, 'unitName', input.unitName, '部队移交单位');
  checkNotBlank(problems, 'retireeSideName', input.retireeSideName, '移交对象或监护人姓名');
  if (input.retireeSide === 'guardian' && !input.guardianRelation?.trim())
    problems.add('guardianRelation', '由监护人参加时，请填写监护人与军休干部的关系');
  input.attendees.forEach((attendee, index) => {
    if (!attendee.name.trim()) problems.add(`attendees.${index}.name`, '请填写参会人员姓名');
  });
  const sides = new Set(input.attendees.filter((a) => a.name.trim()).map((a) => a.side));
  const missing = [
    ['centre', '军休机构'],
    ['unit', '部队移交单位'],
    ['retiree', '移交对象（或其监护人）'],
  ]
    .filter(([side]) => !sides.has(side as 'centre'))
    .map(([, name]) => name);
  if (missing.length > 0)
    problems.add('attendees', `“三方”见面会须有三方人员参加，缺少：${missing.join('、')}`);
  return problems;
}

/** The agreement's terms (6.1.2.4, 6.1.2.6), given the day the retiree was received and today. */
export function checkAgreement(input: AgreementInput, receivedOn: string, today: string): Problems {
  const problems = new Problems();
  checkNotBlank(problems, 'centreName', input.centreName, '军休机构名称');
  checkNotBlank(problems, 'unitName', input.unitName, '部队移交单位');
  checkNotBlank(problems, 'retireeSideName', input.retireeSideName, '移交对象或监护人姓名');
  // 6.1.2.6: who bears medical costs until the social-security card is issued, and until when.
  const until = input.medicalUntilDate ?? null;
  if (input.medicalUntil === 'date') {
    if (until === null) problems.add('medicalUntilDate', '请填写医疗保障责任的截止日期');
    else if (!isDate(until)) problems.add('medicalUntilDate', '医疗保障责任截止日期不是有效日期');
    else if (until < receivedOn) problems.add('medicalUntilDate', '医疗保障责任截止日期不能早于接收日期');
  } else if (until !== null) {
    problems.add('medicalUntilDate', '约定至社会保障卡办妥时止，不填写截止日期');
  }
  (input.otherTerms ?? []).forEach((term, index) => {
    if (!term.trim()) problems.add(`otherTerms.${index}`, '协议条款不能为空');
  });
  (input.signatories ?? []).forEach((signatory, index) => {
    if (!signatory.name.trim()) problems.add(`signatories.${index}.name`, '请填写签字人姓名');
  });
  const signedOn = input.signedOn ?? null;
  if (signedOn !== null) {
    checkPastDate(problems, 'signedOn', signedOn, today, '签订日期');
    const parties = new Set((input.signatories ?? []).filter((s) => s.name.trim()).map((s) => s.party));
    const needed: SignatoryParty[] = ['centre', 'unit', input.retireeSide];
    const missing = needed.filter((party) => !parties.has(party)).map((party) => PARTY_NAMES[party]);
    if (missing.length > 0)
      problems.add('signatories', `签订协议须有三方签字人，缺少：${missing.join('、')}`);
  }
  return problems;
}

/** The medical-cost term as the agreement prints it (6.1.2.6). */
export function medicalTerm(
  bearer: MedicalBearer,
  until: 'card_issued' | 'date',
  untilDate: string | null,
): string {
  const end = until === 'date' && untilDate ? chineseDate(untilDate) : '社会保障卡办妥之日';
  return `军休干部（士官）社会保障卡办妥之前，其医疗保障责任单位为${MEDICAL_BEARER_NAMES[bearer]}，医疗费用由${MEDICAL_BEARER_NAMES[bearer]}承担，至${end}止。`;
}

export interface MissingStep {
  step: IntakeStepKind;
  title: string;
  status: IntakeStepStatus;
}

/**
 * What keeps a case from completion: a required step not done, and any step still open (an optional
 * step is done or marked not applicable, so nothing is left behind unanswered).
 */
export function missingSteps(
  steps: readonly { step: IntakeStepKind; required: boolean; status: IntakeStepStatus }[],
): MissingStep[] {
  return steps
    .filter((s) => s.status === 'open' || (s.required && s.status !== 'done'))
    .map((s) => ({ step: s.step, title: STEP_BY_KIND.get(s.step)?.title ?? s.step, status: s.status }));
}
