/**
 * Reception and resettlement (6.1 接收安置). An intake case per newly transferred retiree — one open at a
 * time — holds the checklist of 6.1.1 a)–e) (./steps.ts), each step with due date, done date (never in the
 * future), who did it, note and attachments (archive attachments, so the archive's type check, storage and
 * read log apply); the three-party meeting (6.1.2.4); the three-party agreement with the medical-cost
 * responsibility until the social-security card is issued (6.1.2.6). Completion needs every required step
 * done; it marks the retiree's archive record as entered into the information system (6.1.2.8). Every change
 * is kept in the case's history with who and when. A caseworker with a station reaches only its retirees.
 */
import { randomUUID } from 'node:crypto';
import { AttachmentStore, type AttachmentType } from '../archive/attachments.ts';
import { ArchiveRecords, FieldErrors } from '../archive/records.ts';
import { addDays, isDate, shanghaiDate } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { conflict, HubError, notFound } from '../errors.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import { isoRequired, isUniqueViolation } from '../records/rows.ts';
import { assertInScope, inScope, type Scope } from '../records/scope.ts';
import type {
  Agreement,
  AgreementInput,
  Attendee,
  IntakeCase,
  IntakeCaseInput,
  IntakeCaseList,
  IntakeCaseQuery,
  IntakeCaseSummary,
  IntakeCaseUpdate,
  IntakeCompleteInput,
  IntakeEvent,
  IntakeStep,
  IntakeStepKind,
  IntakeStepStatus,
  IntakeStepUpdate,
  MedicalBearer,
  Meeting,
  MeetingInput,
  RetireeSide,
  Signatory,
} from '../schemas/intake.ts';
import {
  checkAgreement,
  checkMeeting,
  checkNotBlank,
  checkPastDate,
  MEDICAL_BEARER_NAMES,
  type MissingStep,
  medicalTerm,
  missingSteps,
  Problems,
} from './rules.ts';
import { STEP_BY_KIND, STEPS, stepTitle } from './steps.ts';

export type Clock = () => Date;

/** 409 naming every step that still blocks completion. */
export class IncompleteCase extends HubError {
  constructor(readonly missing: MissingStep[]) {
    super(
      409,
      'incomplete',
      `尚有${missing.length}项未办结，不能完成接收安置：${missing.map((m) => m.title).join('、')}`,
    );
    this.name = 'IncompleteCase';
  }
}

function refuse(problems: Problems): void {
  if (problems.any) throw new FieldErrors(problems.list);
}

interface CaseRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  station: string;
  status: 'open' | 'complete';
  received_on: string;
  sending_unit: string;
  placement: string;
  pension_level: string;
  owner_id: string | null;
  owner_name: string | null;
  note: string;
  opened_at: Date | string;
  completed_on: string | null;
  completed_at: Date | string | null;
  archive_entered_on: string | null;
  steps_done: number | string;
  steps_total: number | string;
  overdue_steps: number | string;
  next_due_on: string | null;
  total?: number | string;
}

/** `$1` is today (for the overdue counts). */
const selectCase = `select c.id, c.retiree_id, r.name as retiree_name, r.station, c.status,
    c.received_on::text as received_on, c.sending_unit, c.placement, c.pension_level, c.owner_id,
    u.display_name as owner_name, c.note, c.opened_at, c.completed_on::text as completed_on, c.completed_at,
    r.archive_entered_on::text as archive_entered_on,
    (select count(*) from intake_steps s where s.case_id = c.id and s.status <> 'open') as steps_done,
    (select count(*) from intake_steps s where s.case_id = c.id) as steps_total,
    (select count(*) from intake_steps s where s.case_id = c.id and s.status = 'open' and s.due_on < $1::date)
      as overdue_steps,
    (select min(s.due_on)::text from intake_steps s where s.case_id = c.id and s.status = 'open') as next_due_on`;
const fromCase = `from intake_cases c join retirees r on r.id = c.retiree_id left join users u on u.id = c.owner_id`;

interface StepRow {
  id: string;
  case_id: string;
  step: IntakeStepKind;
  required: boolean;
  due_on: string;
  status: IntakeStepStatus;
  done_on: string | null;
  done_by: string | null;
  done_by_name: string | null;
  note: string;
}

interface MeetingRow {
  held_on: string;
  place: string;
  centre_name: string;
  unit_name: string;
  retiree_side: RetireeSide;
  retiree_side_name: string;
  guardian_relation: string;
  attendees: Attendee[] | string;
  notes: string;
  recorded_at: Date | string;
}

interface AgreementRow {
  centre_name: string;
  unit_name: string;
  retiree_side: RetireeSide;
  retiree_side_name: string;
  placement: string;
  pension_level: string;
  medical_bearer: MedicalBearer;
  medical_until: 'card_issued' | 'date';
  medical_until_date: string | null;
  other_terms: string[] | string;
  signatories: Signatory[] | string;
  signed_on: string | null;
  recorded_at: Date | string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export interface IntakeOptions {
  /** The folder holding the archive's `attachments/` (the archive's own setting). */
  dataDir: string;
}

export class IntakeService {
  private readonly attachments: AttachmentStore;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock = () => new Date(),
    options: IntakeOptions = { dataDir: './data' },
  ) {
    this.attachments = new AttachmentStore(db, new ArchiveRecords(db, clock), options.dataDir);
  }

  today(): string {
    return shanghaiDate(this.clock());
  }

  private toSummary(row: CaseRow): IntakeCaseSummary {
    return {
      id: row.id,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      station: row.station,
      status: row.status,
      receivedOn: row.received_on,
      sendingUnit: row.sending_unit,
      placement: row.placement,
      pensionLevel: row.pension_level,
      ownerId: row.owner_id,
      ownerName: row.owner_name,
      note: row.note,
      openedAt: isoRequired(row.opened_at),
      completedOn: row.completed_on,
      completedAt: row.completed_at === null ? null : isoRequired(row.completed_at),
      stepsDone: Number(row.steps_done),
      stepsTotal: Number(row.steps_total),
      overdueSteps: Number(row.overdue_steps),
      nextDueOn: row.next_due_on,
    };
  }

  /** The list with filters and paging, within the user's scope. */
  async list(query: IntakeCaseQuery, scope: Scope): Promise<IntakeCaseList> {
    const params: unknown[] = [this.today()];
    const where = [inScope(scope, 'c.retiree_id', params)];
    if (query.status) {
      params.push(query.status);
      where.push(`c.status = $${params.length}`);
    }
    if (query.retireeId) {
      if (!isUuid(query.retireeId)) return { total: 0, items: [] };
      params.push(query.retireeId.toLowerCase());
      where.push(`c.retiree_id = $${params.length}`);
    }
    if (query.q?.trim()) {
      params.push(`%${query.q.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
      where.push(`(r.name ilike $${params.length} or c.sending_unit ilike $${params.length})`);
    }
    if (query.overdue)
      where.push(
        `exists (select 1 from intake_steps s where s.case_id = c.id and s.status = 'open' and s.due_on < $1::date)`,
      );
    if (query.from) {
      params.push(query.from);
      where.push(`c.received_on >= $${params.length}::date`);
    }
    if (query.to) {
      params.push(query.to);
      where.push(`c.received_on <= $${params.length}::date`);
    }
    params.push(query.limit ?? 50, query.offset ?? 0);
    const rows = await this.db.query<CaseRow>(
      `${selectCase}, count(*) over () as total ${fromCase} where ${where.join(' and ')}
        order by c.status, c.received_on desc, c.id limit $${params.length - 1} offset $${params.length}`,
      params,
    );
    return { total: Number(rows[0]?.total ?? 0), items: rows.map((row) => this.toSummary(row)) };
  }

  /** One case with its steps, meeting, agreement and history; 404 outside the scope. */
  async get(id: string, scope: Scope, db: Queryable = this.db): Promise<IntakeCase> {
    const caseId = uuidOr404(id, 'intake case');
    const [row] = await db.query<CaseRow>(`${selectCase} ${fromCase} where c.id = $2`, [
      this.today(),
      caseId,
    ]);
    if (!row) throw notFound('intake case');
    await assertInScope(db, scope, row.retiree_id);
    return this.hydrate(db, row);
  }

  private async hydrate(db: Queryable, row: CaseRow): Promise<IntakeCase> {
    const today = this.today();
    const steps = await db.query<StepRow>(
      `select s.id, s.case_id, s.step, s.required, s.due_on::text as due_on, s.status, s.done_on::text as done_on,
              s.done_by, u.display_name as done_by_name, s.note
         from intake_steps s left join users u on u.id = s.done_by
        where s.case_id = $1 order by s.seq`,
      [row.id],
    );
    const files = await db.query<{
      step_id: string;
      id: string;
      name: string;
      content_type: string;
      size_bytes: number;
      uploaded_at: Date | string;
      display_name: string | null;
      withdrawn_at: Date | string | null;
    }>(
      `select l.step_id, a.id, a.name, a.content_type, a.size_bytes, a.uploaded_at, u.display_name, a.withdrawn_at
         from intake_step_attachments l join intake_steps s on s.id = l.step_id
         join archive_attachments a on a.id = l.attachment_id left join users u on u.id = a.uploaded_by
        where s.case_id = $1 order by a.uploaded_at, a.id`,
      [row.id],
    );
    const [meeting] = await db.query<MeetingRow>(
      `select held_on::text as held_on, place, centre_name, unit_name, retiree_side, retiree_side_name,
              guardian_relation, attendees, notes, recorded_at from intake_meetings where case_id = $1`,
      [row.id],
    );
    const [agreement] = await db.query<AgreementRow>(
      `select centre_name, unit_name, retiree_side, retiree_side_name, placement, pension_level, medical_bearer,
              medical_until, medical_until_date::text as medical_until_date, other_terms, signatories,
              signed_on::text as signed_on, recorded_at from intake_agreements where case_id = $1`,
      [row.id],
    );
    const events = await db.query<{
      id: number | string;
      at: Date | string;
      by_id: string | null;
      by_name: string | null;
      step_id: string | null;
      action: string;
      detail: string;
    }>(
      `select e.id, e.at, e.by_id, u.display_name as by_name, e.step_id, e.action, e.detail
         from intake_events e left join users u on u.id = e.by_id where e.case_id = $1 order by e.id`,
      [row.id],
    );
    return {
      ...this.toSummary(row),
      archiveEnteredOn: row.archive_entered_on,
      steps: steps.map(
        (s): IntakeStep => ({
          id: s.id,
          step: s.step,
          item: STEP_BY_KIND.get(s.step)?.item ?? '',
          clause: STEP_BY_KIND.get(s.step)?.clause ?? '',
          title: stepTitle(s.step),
          required: s.required,
          dueOn: s.due_on,
          status: s.status,
          doneOn: s.done_on,
          doneById: s.done_by,
          doneByName: s.done_by_name,
          note: s.note,
          overdue: s.status === 'open' && s.due_on < today,
          attachments: files
            .filter((f) => f.step_id === s.id)
            .map((f) => ({
              id: f.id,
              name: f.name,
              contentType: f.content_type,
              sizeBytes: Number(f.size_bytes),
              uploadedAt: isoRequired(f.uploaded_at),
              uploadedByName: f.display_name,
              withdrawn: f.withdrawn_at !== null,
            })),
        }),
      ),
      meeting: meeting ? this.toMeeting(meeting) : null,
      agreement: agreement ? this.toAgreement(agreement) : null,
      history: events.map(
        (e): IntakeEvent => ({
          id: Number(e.id),
          at: isoRequired(e.at),
          byId: e.by_id,
          byName: e.by_name,
          stepId: e.step_id,
          action: e.action,
          detail: e.detail,
        }),
      ),
    };
  }

  private toMeeting(row: MeetingRow): Meeting {
    return {
      heldOn: row.held_on,
      place: row.place,
      centreName: row.centre_name,
      unitName: row.unit_name,
      retireeSide: row.retiree_side,
      retireeSideName: row.retiree_side_name,
      guardianRelation: row.guardian_relation,
      attendees: json<Attendee[]>(row.attendees),
      notes: row.notes,
      recordedAt: isoRequired(row.recorded_at),
    };
  }

  private toAgreement(row: AgreementRow): Agreement {
    return {
      centreName: row.centre_name,
      unitName: row.unit_name,
      retireeSide: row.retiree_side,
      retireeSideName: row.retiree_side_name,
      placement: row.placement,
      pensionLevel: row.pension_level,
      medicalBearer: row.medical_bearer,
      medicalBearerName: MEDICAL_BEARER_NAMES[row.medical_bearer],
      medicalUntil: row.medical_until,
      medicalUntilDate: row.medical_until_date,
      medicalTerm: medicalTerm(row.medical_bearer, row.medical_until, row.medical_until_date),
      otherTerms: json<string[]>(row.other_terms),
      signatories: json<Signatory[]>(row.signatories),
      signedOn: row.signed_on,
      recordedAt: isoRequired(row.recorded_at),
    };
  }

  private async event(
    db: Queryable,
    caseId: string,
    stepId: string | null,
    userId: string,
    action: string,
    detail: string,
  ): Promise<void> {
    await db.query(
      'insert into intake_events (case_id, step_id, at, by_id, action, detail) values ($1, $2, $3, $4, $5, $6)',
      [caseId, stepId, this.clock(), userId, action, detail],
    );
  }

  /** A staff member (not a family account) to own the case; a problem on `ownerId` otherwise. */
  private async ownerOr(db: Queryable, problems: Problems, id: string): Promise<string | null> {
    if (isUuid(id)) {
      const [row] = await db.query<{ id: string }>(
        `select id from users where id = $1 and role <> 'family' and not disabled`,
        [id.toLowerCase()],
      );
      if (row) return row.id;
    }
    problems.add('ownerId', '没有这名工作人员');
    return null;
  }

  /** The open case row locked for a change, in scope; 409 once complete. */
  private async lockOpenCase(db: Queryable, caseId: string, scope: Scope) {
    const [row] = await db.query<{
      id: string;
      retiree_id: string;
      status: string;
      received_on: string;
      placement: string;
      pension_level: string;
    }>(
      `select id, retiree_id, status, received_on::text as received_on, placement, pension_level
         from intake_cases where id = $1 for update`,
      [uuidOr404(caseId, 'intake case')],
    );
    if (!row) throw notFound('intake case');
    await assertInScope(db, scope, row.retiree_id);
    if (row.status !== 'open') throw conflict('该接收安置已完成，不能再修改');
    return row;
  }

  /** Opens the case and its checklist; 409 while the retiree has an open case. */
  async open(input: IntakeCaseInput, userId: string, scope: Scope): Promise<IntakeCase> {
    const today = this.today();
    const problems = new Problems();
    checkPastDate(problems, 'receivedOn', input.receivedOn, today, '接收日期');
    checkNotBlank(problems, 'sendingUnit', input.sendingUnit, '部队移交单位');
    const retireeId = uuidOr404(input.retireeId, 'retiree');
    return this.db.transaction(async (db) => {
      const [retiree] = await db.query<{ id: string; name: string; status: string }>(
        'select id, name, status from retirees where id = $1 for update',
        [retireeId],
      );
      if (!retiree) throw notFound('retiree');
      await assertInScope(db, scope, retiree.id);
      const ownerId = input.ownerId ? await this.ownerOr(db, problems, input.ownerId) : userId;
      refuse(problems);
      if (retiree.status === 'deceased') throw conflict(`${retiree.name}已故，不能办理接收安置`);
      const [already] = await db.query(
        `select id from intake_cases where retiree_id = $1 and status = 'open'`,
        [retiree.id],
      );
      if (already) throw conflict(`${retiree.name}已有未完成的接收安置，请在原案中继续办理`);
      const id = randomUUID();
      try {
        await db.query(
          `insert into intake_cases (id, retiree_id, received_on, sending_unit, placement, pension_level, owner_id,
             note, opened_by, opened_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            id,
            retiree.id,
            input.receivedOn,
            input.sendingUnit.trim(),
            (input.placement ?? '').trim(),
            (input.pensionLevel ?? '').trim(),
            ownerId,
            (input.note ?? '').trim(),
            userId,
            this.clock(),
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw conflict(`${retiree.name}已有未完成的接收安置，请在原案中继续办理`);
        throw error;
      }
      // Due dates count from the day the case is opened: a case recorded late is not born overdue.
      for (const [seq, step] of STEPS.entries()) {
        await db.query(
          `insert into intake_steps (id, case_id, retiree_id, step, seq, required, due_on)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [randomUUID(), id, retiree.id, step.step, seq, step.required, addDays(today, step.days)],
        );
      }
      await this.event(
        db,
        id,
        null,
        userId,
        'opened',
        `接收日期 ${input.receivedOn}，移交单位 ${input.sendingUnit.trim()}`,
      );
      return this.get(id, scope, db);
    });
  }

  /** Changes the case's details (sending unit, placement, pension level, owner, note) while open. */
  async update(id: string, input: IntakeCaseUpdate, userId: string, scope: Scope): Promise<IntakeCase> {
    return this.db.transaction(async (db) => {
      const row = await this.lockOpenCase(db, id, scope);
      const problems = new Problems();
      checkNotBlank(problems, 'sendingUnit', input.sendingUnit, '部队移交单位');
      const sets: string[] = [];
      const params: unknown[] = [row.id];
      const changes: string[] = [];
      const set = (column: string, value: unknown, label: string) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
        changes.push(`${label}：${value ?? '—'}`);
      };
      if (input.sendingUnit !== undefined) set('sending_unit', input.sendingUnit.trim(), '部队移交单位');
      if (input.placement !== undefined) set('placement', input.placement.trim(), '安置去向');
      if (input.pensionLevel !== undefined) set('pension_level', input.pensionLevel.trim(), '离退休费标准');
      if (input.note !== undefined) set('note', input.note.trim(), '备注');
      if (input.ownerId !== undefined) {
        const owner = input.ownerId === null ? null : await this.ownerOr(db, problems, input.ownerId);
        set('owner_id', owner, '负责人');
      }
      refuse(problems);
      if (sets.length > 0) {
        await db.query(`update intake_cases set ${sets.join(', ')} where id = $1`, params);
        await this.event(db, row.id, null, userId, 'updated', changes.join('；'));
      }
      return this.get(row.id, scope, db);
    });
  }

  /**
   * Ticks a step done (on a day not in the future), marks an optional one not applicable (with the reason),
   * reopens one, moves its due date or writes its note; each change goes in the history.
   */
  async updateStep(id: string, input: IntakeStepUpdate, userId: string, scope: Scope): Promise<IntakeCase> {
    const today = this.today();
    return this.db.transaction(async (db) => {
      const [step] = await db.query<{
        id: string;
        case_id: string;
        step: IntakeStepKind;
        status: string;
        note: string;
      }>('select id, case_id, step, status, note from intake_steps where id = $1', [
        uuidOr404(id, 'intake step'),
      ]);
      if (!step) throw notFound('intake step');
      const row = await this.lockOpenCase(db, step.case_id, scope);
      const definition = STEP_BY_KIND.get(step.step);
      const title = stepTitle(step.step);
      const problems = new Problems();
      if (input.doneOn !== undefined && input.status !== 'done')
        problems.add('doneOn', '办结日期只在标记办结时填写');
      if (input.doneOn !== undefined) checkPastDate(problems, 'doneOn', input.doneOn, today, '办结日期');
      if (input.dueOn !== undefined && !isDate(input.dueOn)) problems.add('dueOn', '期限不是有效日期');
      const note = input.note?.trim();
      if (input.status === 'not_applicable') {
        if (definition?.required) problems.add('status', `“${title}”是必办事项，不能标记为不适用`);
        if (!note) problems.add('note', '标记不适用时请写明理由');
      }
      refuse(problems);
      if (input.status === 'done' && step.status !== 'done') await this.checkStepReady(db, row, step.step);

      const sets: string[] = [];
      const params: unknown[] = [step.id];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      const events: [string, string][] = [];
      if (input.status !== undefined && input.status !== step.status) {
        set('status', input.status);
        if (input.status === 'done') {
          const doneOn = input.doneOn ?? today;
          set('done_on', doneOn);
          set('done_by', userId);
          events.push(['step_done', `${title}：办结于 ${doneOn}`]);
        } else {
          set('done_on', null);
          set('done_by', input.status === 'open' ? null : userId);
          events.push(
            input.status === 'open'
              ? ['step_reopened', `${title}：重新打开`]
              : ['step_not_applicable', `${title}：不适用（${note}）`],
          );
        }
      } else if (input.status === 'done' && input.doneOn !== undefined) {
        // Correcting the day of a step already done.
        set('done_on', input.doneOn);
        set('done_by', userId);
        events.push(['step_done', `${title}：办结日期改为 ${input.doneOn}`]);
      }
      if (input.dueOn !== undefined) {
        set('due_on', input.dueOn);
        events.push(['step_due', `${title}：期限改为 ${input.dueOn}`]);
      }
      if (note !== undefined && note !== step.note) {
        set('note', note);
        events.push(['step_note', `${title}：${note || '（清空备注）'}`]);
      }
      if (sets.length > 0) {
        await db.query(`update intake_steps set ${sets.join(', ')} where id = $1`, params);
        for (const [action, detail] of events) await this.event(db, row.id, step.id, userId, action, detail);
      }
      return this.get(row.id, scope, db);
    });
  }

  /** Some steps are done only with what they produce on record (409 with what is missing). */
  private async checkStepReady(
    db: Queryable,
    row: { id: string; placement: string; pension_level: string },
    step: IntakeStepKind,
  ): Promise<void> {
    if (step === 'placement_decided' && !row.placement)
      throw conflict('请先填写审定的安置去向，再标记“审定安置去向”办结');
    if (step === 'pension_confirmed' && !row.pension_level)
      throw conflict('请先填写核准的离退休费标准，再标记“核准个人离休退休费标准”办结');
    if (step === 'three_party_meeting') {
      const [meeting] = await db.query('select 1 from intake_meetings where case_id = $1', [row.id]);
      if (!meeting) throw conflict('请先登记“三方”见面会（日期、地点、三方参会人员）');
    }
    if (step === 'agreement_signed') {
      const [signed] = await db.query(
        'select 1 from intake_agreements where case_id = $1 and signed_on is not null',
        [row.id],
      );
      if (!signed) throw conflict('请先登记已签订的“三方”协议（医疗保障责任、三方签字人和签订日期）');
    }
  }

  /** Closes a step on a given day as part of another record (the meeting, the agreement). */
  private async closeStep(db: Queryable, caseId: string, step: IntakeStepKind, on: string, userId: string) {
    const rows = await db.query<{ id: string }>(
      `update intake_steps set status = 'done', done_on = $3, done_by = $4
        where case_id = $1 and step = $2 and status = 'open' returning id`,
      [caseId, step, on, userId],
    );
    const [closed] = rows;
    if (closed)
      await this.event(db, caseId, closed.id, userId, 'step_done', `${stepTitle(step)}：办结于 ${on}`);
  }

  /** Records (or corrects) the three-party meeting (6.1.2.4); its step is done on the day it was held. */
  async saveMeeting(id: string, input: MeetingInput, userId: string, scope: Scope): Promise<IntakeCase> {
    const problems = checkMeeting(input, this.today());
    return this.db.transaction(async (db) => {
      const row = await this.lockOpenCase(db, id, scope);
      refuse(problems);
      const attendees = input.attendees.map((a) => ({
        name: a.name.trim(),
        side: a.side,
        ...(a.title?.trim() ? { title: a.title.trim() } : {}),
      }));
      await db.query(
        `insert into intake_meetings (case_id, held_on, place, centre_name, unit_name, retiree_side, retiree_side_name,
           guardian_relation, attendees, notes, recorded_by, recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12)
         on conflict (case_id) do update set held_on = excluded.held_on, place = excluded.place,
           centre_name = excluded.centre_name, unit_name = excluded.unit_name, retiree_side = excluded.retiree_side,
           retiree_side_name = excluded.retiree_side_name, guardian_relation = excluded.guardian_relation,
           attendees = excluded.attendees, notes = excluded.notes, recorded_by = excluded.recorded_by,
           recorded_at = excluded.recorded_at`,
        [
          row.id,
          input.heldOn,
          input.place.trim(),
          input.centreName.trim(),
          input.unitName.trim(),
          input.retireeSide,
          input.retireeSideName.trim(),
          input.retireeSide === 'guardian' ? (input.guardianRelation ?? '').trim() : '',
          JSON.stringify(attendees),
          (input.notes ?? '').trim(),
          userId,
          this.clock(),
        ],
      );
      await this.event(
        db,
        row.id,
        null,
        userId,
        'meeting',
        `“三方”见面会：${input.heldOn}，${input.place.trim()}，${attendees.length}人参加`,
      );
      await this.closeStep(db, row.id, 'three_party_meeting', input.heldOn, userId);
      return this.get(row.id, scope, db);
    });
  }

  /**
   * Records the three-party agreement's terms; with its signed date (and the three signatories) it is signed,
   * its step done on that day, and it no longer changes (409).
   */
  async saveAgreement(id: string, input: AgreementInput, userId: string, scope: Scope): Promise<IntakeCase> {
    return this.db.transaction(async (db) => {
      const row = await this.lockOpenCase(db, id, scope);
      refuse(checkAgreement(input, row.received_on, this.today()));
      const [existing] = await db.query<{ signed_on: string | null }>(
        'select signed_on::text as signed_on from intake_agreements where case_id = $1',
        [row.id],
      );
      if (existing?.signed_on) throw conflict(`协议已于 ${existing.signed_on} 签订，不能再修改`);
      const signedOn = input.signedOn ?? null;
      const until = input.medicalUntil === 'date' ? (input.medicalUntilDate ?? null) : null;
      const signatories = (input.signatories ?? []).map((s) => ({
        party: s.party,
        name: s.name.trim(),
        ...(s.title?.trim() ? { title: s.title.trim() } : {}),
      }));
      await db.query(
        `insert into intake_agreements (case_id, centre_name, unit_name, retiree_side, retiree_side_name, placement,
           pension_level, medical_bearer, medical_until, medical_until_date, other_terms, signatories, signed_on,
           recorded_by, recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, $14, $15)
         on conflict (case_id) do update set centre_name = excluded.centre_name, unit_name = excluded.unit_name,
           retiree_side = excluded.retiree_side, retiree_side_name = excluded.retiree_side_name,
           placement = excluded.placement, pension_level = excluded.pension_level,
           medical_bearer = excluded.medical_bearer, medical_until = excluded.medical_until,
           medical_until_date = excluded.medical_until_date, other_terms = excluded.other_terms,
           signatories = excluded.signatories, signed_on = excluded.signed_on, recorded_by = excluded.recorded_by,
           recorded_at = excluded.recorded_at`,
        [
          row.id,
          input.centreName.trim(),
          input.unitName.trim(),
          input.retireeSide,
          input.retireeSideName.trim(),
          row.placement,
          row.pension_level,
          input.medicalBearer,
          input.medicalUntil,
          until,
          JSON.stringify((input.otherTerms ?? []).map((term) => term.trim())),
          JSON.stringify(signatories),
          signedOn,
          userId,
          this.clock(),
        ],
      );
      const term = medicalTerm(input.medicalBearer, input.medicalUntil, until);
      await this.event(
        db,
        row.id,
        null,
        userId,
        'agreement',
        signedOn ? `“三方”协议签订于 ${signedOn}；${term}` : `“三方”协议草拟；${term}`,
      );
      if (signedOn) await this.closeStep(db, row.id, 'agreement_signed', signedOn, userId);
      return this.get(row.id, scope, db);
    });
  }

  /** Adds an archive attachment (type already checked against its bytes) to a step of an open case. */
  async attach(
    stepId: string,
    file: { name: string; type: AttachmentType; bytes: Buffer },
    userId: string,
    scope: Scope,
  ): Promise<IntakeCase> {
    const [step] = await this.db.query<{ id: string; case_id: string; retiree_id: string; step: string }>(
      'select id, case_id, retiree_id, step from intake_steps where id = $1',
      [uuidOr404(stepId, 'intake step')],
    );
    if (!step) throw notFound('intake step');
    await this.db.transaction((db) => this.lockOpenCase(db, step.case_id, scope));
    const added = await this.attachments.add(step.retiree_id, file.name, file.type, file.bytes, userId);
    return this.db.transaction(async (db) => {
      await this.lockOpenCase(db, step.case_id, scope);
      await db.query(
        'insert into intake_step_attachments (step_id, attachment_id, added_by, added_at) values ($1, $2, $3, $4)',
        [step.id, added.id, userId, this.clock()],
      );
      await this.event(
        db,
        step.case_id,
        step.id,
        userId,
        'attachment',
        `${stepTitle(step.step)}：附件 ${added.name}`,
      );
      return this.get(step.case_id, scope, db);
    });
  }

  /**
   * Completes the case when every required step is done and none is left open (409 listing the rest); the
   * retiree's archive record is marked as entered into the information system on that day (6.1.2.8).
   */
  async complete(id: string, input: IntakeCompleteInput, userId: string, scope: Scope): Promise<IntakeCase> {
    const today = this.today();
    return this.db.transaction(async (db) => {
      const row = await this.lockOpenCase(db, id, scope);
      const completedOn = input.completedOn ?? today;
      const problems = new Problems();
      checkPastDate(problems, 'completedOn', completedOn, today, '完成日期');
      if (isDate(completedOn) && completedOn < row.received_on)
        problems.add('completedOn', '完成日期不能早于接收日期');
      refuse(problems);
      const steps = await db.query<{ step: IntakeStepKind; required: boolean; status: IntakeStepStatus }>(
        'select step, required, status from intake_steps where case_id = $1 order by seq',
        [row.id],
      );
      const missing = missingSteps(steps);
      if (missing.length > 0) throw new IncompleteCase(missing);
      await db.query(
        `update intake_cases set status = 'complete', completed_on = $2, completed_by = $3, completed_at = $4
          where id = $1`,
        [row.id, completedOn, userId, this.clock()],
      );
      const [retiree] = await db.query<{ archive_entered_on: string | null }>(
        'select archive_entered_on::text as archive_entered_on from retirees where id = $1 for update',
        [row.retiree_id],
      );
      await db.query('update retirees set archive_entered_on = $2, updated_at = now() where id = $1', [
        row.retiree_id,
        completedOn,
      ]);
      await db.query(
        `insert into archive_changes (retiree_id, changed_at, changed_by, source, field, old_value, new_value)
         values ($1, $2, $3, 'edit', 'archiveEnteredOn', $4, $5)`,
        [row.retiree_id, this.clock(), userId, retiree?.archive_entered_on ?? null, completedOn],
      );
      await this.event(
        db,
        row.id,
        null,
        userId,
        'completed',
        `接收安置完成于 ${completedOn}，档案已录入信息系统`,
      );
      return this.get(row.id, scope, db);
    });
  }

  /** Every case the list's filters select, for the export (up to `max`). */
  async exportRows(query: IntakeCaseQuery, scope: Scope, max: number): Promise<IntakeCaseSummary[]> {
    return (await this.list({ ...query, limit: max, offset: 0 }, scope)).items;
  }
}
