/**
 * The rules of intake that need no database: the checklist's due dates, dates not in the future, the
 * three parties present at the meeting (6.1.2.4), the agreement's terms (6.1.2.6), how a step moves
 * between open, done and not applicable, and what still blocks completion. Today's date (the centre's)
 * is an argument. Each problem is named by its field with a message in Chinese; the service refuses the
 * whole request when there is one.
 */

import type { FieldError } from '../archive/fields.ts';
import { addDays, chineseDate, isDate } from '../calendar.ts';
import type {
  AgreementInput,
  IntakeCaseInput,
  IntakeCaseUpdate,
  IntakeStepKind,
  IntakeStepStatus,
  IntakeStepUpdate,
  MedicalBearer,
  MeetingInput,
  SignatoryParty,
} from '../schemas/intake.ts';
import { STEP_BY_KIND, STEPS, stepTitle } from './steps.ts';

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

/**
 * The checklist of a case opened on `openedOn`, in order: each step due its allowed days after that
 * day (the centre's `days` where given, else the step's default), so a case recorded late is not
 * born overdue (6.1.2.1).
 */
export function checklist(
  openedOn: string,
  days: Partial<Record<IntakeStepKind, number>> = {},
): { seq: number; step: IntakeStepKind; required: boolean; dueOn: string }[] {
  return STEPS.map((definition, seq) => ({
    seq,
    step: definition.step,
    required: definition.required,
    dueOn: addDays(openedOn, days[definition.step] ?? definition.days),
  }));
}

/** Opening a case: received on a day not after today, from a named sending unit. */
export function checkOpening(input: IntakeCaseInput, today: string): Problems {
  const problems = new Problems();
  checkPastDate(problems, 'receivedOn', input.receivedOn, today, '接收日期');
  checkNotBlank(problems, 'sendingUnit', input.sendingUnit, '部队移交单位');
  return problems;
}

/** The case's own details a change sets, in order: column, value and its name in the history. */
export function caseChanges(input: IntakeCaseUpdate): [column: string, value: string, label: string][] {
  const changes: [string, string, string][] = [];
  if (input.sendingUnit !== undefined)
    changes.push(['sending_unit', input.sendingUnit.trim(), '部队移交单位']);
  if (input.placement !== undefined) changes.push(['placement', input.placement.trim(), '安置去向']);
  if (input.pensionLevel !== undefined)
    changes.push(['pension_level', input.pensionLevel.trim(), '离退休费标准']);
  if (input.note !== undefined) changes.push(['note', input.note.trim(), '备注']);
  return changes;
}

/**
 * A step's change on its own: a done date only when done and not after today, a real due date, and
 * only an optional step marked not applicable, with the reason.
 */
export function checkStepUpdate(input: IntakeStepUpdate, step: IntakeStepKind, today: string): Problems {
  const problems = new Problems();
  if (input.doneOn !== undefined && input.status !== 'done')
    problems.add('doneOn', '办结日期只在标记办结时填写');
  if (input.doneOn !== undefined) checkPastDate(problems, 'doneOn', input.doneOn, today, '办结日期');
  if (input.dueOn !== undefined && !isDate(input.dueOn)) problems.add('dueOn', '期限不是有效日期');
  if (input.status === 'not_applicable') {
    if (STEP_BY_KIND.get(step)?.required)
      problems.add('status', `“${stepTitle(step)}”是必办事项，不能标记为不适用`);
    if (!input.note?.trim()) problems.add('note', '标记不适用时请写明理由');
  }
  return problems;
}

export interface StepChange {
  /** Columns of the step to set, in order. */
  set: [column: string, value: string | null][];
  /** History entries: action and detail. */
  events: [action: string, detail: string][];
}

/**
 * What a checked step change writes: done (on the day given, else today) with who did it; reopened;
 * not applicable (who decided, with the reason); a corrected done date; a moved due date; the note.
 */
export function stepChange(
  input: IntakeStepUpdate,
  current: { step: IntakeStepKind; status: string; note: string },
  userId: string,
  today: string,
): StepChange {
  const title = stepTitle(current.step);
  const note = input.note?.trim();
  const change: StepChange = { set: [], events: [] };
  if (input.status !== undefined && input.status !== current.status) {
    change.set.push(['status', input.status]);
    if (input.status === 'done') {
      const doneOn = input.doneOn ?? today;
      change.set.push(['done_on', doneOn], ['done_by', userId]);
      change.events.push(['step_done', `${title}：办结于 ${doneOn}`]);
    } else {
      change.set.push(['done_on', null], ['done_by', input.status === 'open' ? null : userId]);
      change.events.push(
        input.status === 'open'
          ? ['step_reopened', `${title}：重新打开`]
          : ['step_not_applicable', `${title}：不适用（${note}）`],
      );
    }
  } else if (input.status === 'done' && input.doneOn !== undefined) {
    // Correcting the day of a step already done.
    change.set.push(['done_on', input.doneOn], ['done_by', userId]);
    change.events.push(['step_done', `${title}：办结日期改为 ${input.doneOn}`]);
  }
  if (input.dueOn !== undefined) {
    change.set.push(['due_on', input.dueOn]);
    change.events.push(['step_due', `${title}：期限改为 ${input.dueOn}`]);
  }
  if (note !== undefined && note !== current.note) {
    change.set.push(['note', note]);
    change.events.push(['step_note', `${title}：${note || '（清空备注）'}`]);
  }
  return change;
}

/** What must be on record before a step is ticked done, and the refusal (409) while it is not. */
export const STEP_NEEDS: Partial<
  Record<
    IntakeStepKind,
    { needs: 'placement' | 'pensionLevel' | 'meeting' | 'signedAgreement'; message: string }
  >
> = {
  placement_decided: {
    needs: 'placement',
    message: '请先填写审定的安置去向，再标记“审定安置去向”办结',
  },
  pension_confirmed: {
    needs: 'pensionLevel',
    message: '请先填写核准的离退休费标准，再标记“核准个人离休退休费标准”办结',
  },
  three_party_meeting: { needs: 'meeting', message: '请先登记“三方”见面会（日期、地点、三方参会人员）' },
  agreement_signed: {
    needs: 'signedAgreement',
    message: '请先登记已签订的“三方”协议（医疗保障责任、三方签字人和签订日期）',
  },
};

/** Completion on a day not after today and not before the retiree was received. */
export function checkCompletion(completedOn: string, receivedOn: string, today: string): Problems {
  const problems = new Problems();
  checkPastDate(problems, 'completedOn', completedOn, today, '完成日期');
  if (isDate(completedOn) && completedOn < receivedOn)
    problems.add('completedOn', '完成日期不能早于接收日期');
  return problems;
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
