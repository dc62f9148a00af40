/**
 * The intake records in SQL (6.1): cases with their checklist steps, the steps' attachments, and the
 * history of every change; the three-party meeting and agreement are in ./three-party-store.ts. Rows
 * become the API's shapes here; whether a step is overdue is counted against the centre's date at the
 * clock's instant, and history entries are stamped with it. Inside a transaction the service works
 * through `in(tx)`.
 */

import { randomUUID } from 'node:crypto';
import { centreDay } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { notFound } from '../errors.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import type {
  IntakeCase,
  IntakeCaseList,
  IntakeCaseQuery,
  IntakeCaseSummary,
  IntakeEvent,
  IntakeStep,
  IntakeStepKind,
  IntakeStepStatus,
} from '../schemas/intake.ts';
import { Filter } from '../store/filter.ts';
import { isoRequired } from '../store/rows.ts';
import type { Scope } from '../store/scope.ts';
import { STEP_BY_KIND, stepTitle } from './steps.ts';
import { ThreePartyStore } from './three-party-store.ts';

export interface CaseRow {
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

/** The open case's row as a change needs it (locked). */
export interface LockedCase {
  id: string;
  retireeId: string;
  status: string;
  receivedOn: string;
  placement: string;
  pensionLevel: string;
}

/** A checklist step as a change needs it. */
export interface StepOfCase {
  id: string;
  caseId: string;
  retireeId: string;
  step: IntakeStepKind;
  status: string;
  note: string;
}

export class IntakeStore {
  /** The three-party meeting and agreement of the cases. */
  readonly threeParty: ThreePartyStore;

  constructor(
    private readonly db: Queryable,
    private readonly clock: () => Date,
  ) {
    this.threeParty = new ThreePartyStore(db, clock);
  }

  /** The same store working inside the transaction `tx`. */
  in(tx: Queryable): IntakeStore {
    return new IntakeStore(tx, this.clock);
  }

  private today(): string {
    return centreDay(this.clock());
  }

  // ----- cases -----

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
    if (query.retireeId && !isUuid(query.retireeId)) return { total: 0, items: [] };
    const filter = new Filter();
    // The case row's overdue flag reads the day as $1.
    const today = filter.param(this.today());
    filter
      .inScope(scope, 'c.retiree_id')
      .when('c.status = ?', query.status)
      .when('c.retiree_id = ?', query.retireeId?.toLowerCase())
      .contains('(r.name ilike ? or c.sending_unit ilike ?)', query.q)
      .where(
        query.overdue &&
          `exists (select 1 from intake_steps s where s.case_id = c.id and s.status = 'open' and s.due_on < ${today}::date)`,
      )
      .when('c.received_on >= ?::date', query.from)
      .when('c.received_on <= ?::date', query.to);
    const rows = await this.db.query<CaseRow>(
      `${selectCase}, count(*) over () as total ${fromCase} where ${filter.sql}
        order by c.status, c.received_on desc, c.id
        limit ${filter.param(query.limit ?? 50)} offset ${filter.param(query.offset ?? 0)}`,
      filter.params,
    );
    return { total: Number(rows[0]?.total ?? 0), items: rows.map((row) => this.toSummary(row)) };
  }

  /** One case's row; 404 when there is none. */
  async caseRow(id: string): Promise<CaseRow> {
    const caseId = uuidOr404(id, 'intake case');
    const [row] = await this.db.query<CaseRow>(`${selectCase} ${fromCase} where c.id = $2`, [
      this.today(),
      caseId,
    ]);
    if (!row) throw notFound('intake case');
    return row;
  }

  /** The case with its steps and their attachments, the meeting, the agreement and the history. */
  async hydrate(row: CaseRow): Promise<IntakeCase> {
    const today = this.today();
    const steps = await this.db.query<StepRow>(
      `select s.id, s.case_id, s.step, s.required, s.due_on::text as due_on, s.status, s.done_on::text as done_on,
              s.done_by, u.display_name as done_by_name, s.note
         from intake_steps s left join users u on u.id = s.done_by
        where s.case_id = $1 order by s.seq`,
      [row.id],
    );
    const files = await this.db.query<{
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
    const meeting = await this.threeParty.meeting(row.id);
    const agreement = await this.threeParty.agreement(row.id);
    const events = await this.db.query<{
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
      meeting,
      agreement,
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

  /** One entry of the case's history, stamped now. */
  async event(caseId: string, stepId: string | null, userId: string, action: string, detail: string) {
    await this.db.query(
      'insert into intake_events (case_id, step_id, at, by_id, action, detail) values ($1, $2, $3, $4, $5, $6)',
      [caseId, stepId, this.clock(), userId, action, detail],
    );
  }

  /** A staff member (not a family account) who may own a case; null when `id` names none. */
  async owner(id: string): Promise<string | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.query<{ id: string }>(
      `select id from users where id = $1 and role <> 'family' and not disabled`,
      [id.toLowerCase()],
    );
    return row?.id ?? null;
  }

  /** The case row locked for a change; 404 when there is none. */
  async lockCase(caseId: string): Promise<LockedCase> {
    const [row] = await this.db.query<LockedCase>(
      `select id, retiree_id as "retireeId", status, received_on::text as "receivedOn", placement,
              pension_level as "pensionLevel"
         from intake_cases where id = $1 for update`,
      [uuidOr404(caseId, 'intake case')],
    );
    if (!row) throw notFound('intake case');
    return row;
  }

  /** The retiree a case is opened for, locked; 404 when there is none. */
  async lockRetiree(id: string): Promise<{ id: string; name: string; status: string }> {
    const [retiree] = await this.db.query<{ id: string; name: string; status: string }>(
      'select id, name, status from retirees where id = $1 for update',
      [id],
    );
    if (!retiree) throw notFound('retiree');
    return retiree;
  }

  async hasOpenCase(retireeId: string): Promise<boolean> {
    const [already] = await this.db.query(
      `select id from intake_cases where retiree_id = $1 and status = 'open'`,
      [retireeId],
    );
    return already !== undefined;
  }

  async addCase(row: {
    id: string;
    retireeId: string;
    receivedOn: string;
    sendingUnit: string;
    placement: string;
    pensionLevel: string;
    ownerId: string | null;
    note: string;
    openedBy: string;
  }): Promise<void> {
    await this.db.query(
      `insert into intake_cases (id, retiree_id, received_on, sending_unit, placement, pension_level, owner_id,
         note, opened_by, opened_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        row.id,
        row.retireeId,
        row.receivedOn,
        row.sendingUnit,
        row.placement,
        row.pensionLevel,
        row.ownerId,
        row.note,
        row.openedBy,
        this.clock(),
      ],
    );
  }

  async addStep(
    caseId: string,
    retireeId: string,
    step: { seq: number; step: IntakeStepKind; required: boolean; dueOn: string },
  ): Promise<void> {
    await this.db.query(
      `insert into intake_steps (id, case_id, retiree_id, step, seq, required, due_on)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [randomUUID(), caseId, retireeId, step.step, step.seq, step.required, step.dueOn],
    );
  }

  /** Sets the given columns of a case (names come from the rules, never from a request). */
  async setCase(caseId: string, set: [column: string, value: unknown][]): Promise<void> {
    const params: unknown[] = [caseId, ...set.map(([, value]) => value)];
    const sets = set.map(([column], index) => `${column} = $${index + 2}`);
    await this.db.query(`update intake_cases set ${sets.join(', ')} where id = $1`, params);
  }

  // ----- steps -----

  /** One checklist step; 404 when there is none. */
  async step(id: string): Promise<StepOfCase> {
    const [step] = await this.db.query<StepOfCase>(
      `select id, case_id as "caseId", retiree_id as "retireeId", step, status, note
         from intake_steps where id = $1`,
      [uuidOr404(id, 'intake step')],
    );
    if (!step) throw notFound('intake step');
    return step;
  }

  /** Sets the given columns of a step (names come from the rules, never from a request). */
  async setStep(stepId: string, set: [column: string, value: unknown][]): Promise<void> {
    const params: unknown[] = [stepId, ...set.map(([, value]) => value)];
    const sets = set.map(([column], index) => `${column} = $${index + 2}`);
    await this.db.query(`update intake_steps set ${sets.join(', ')} where id = $1`, params);
  }

  async steps(
    caseId: string,
  ): Promise<{ step: IntakeStepKind; required: boolean; status: IntakeStepStatus }[]> {
    return this.db.query<{ step: IntakeStepKind; required: boolean; status: IntakeStepStatus }>(
      'select step, required, status from intake_steps where case_id = $1 order by seq',
      [caseId],
    );
  }

  /** Closes an open step on a given day as part of another record; the step's id, or null. */
  async closeStep(caseId: string, step: IntakeStepKind, on: string, userId: string): Promise<string | null> {
    const [closed] = await this.db.query<{ id: string }>(
      `update intake_steps set status = 'done', done_on = $3, done_by = $4
        where case_id = $1 and step = $2 and status = 'open' returning id`,
      [caseId, step, on, userId],
    );
    return closed?.id ?? null;
  }

  async attach(stepId: string, attachmentId: string, userId: string): Promise<void> {
    await this.db.query(
      'insert into intake_step_attachments (step_id, attachment_id, added_by, added_at) values ($1, $2, $3, $4)',
      [stepId, attachmentId, userId, this.clock()],
    );
  }

  // ----- completion -----

  async completeCase(caseId: string, completedOn: string, userId: string): Promise<void> {
    await this.db.query(
      `update intake_cases set status = 'complete', completed_on = $2, completed_by = $3, completed_at = $4
        where id = $1`,
      [caseId, completedOn, userId, this.clock()],
    );
  }

  /**
   * Marks the retiree's archive record as entered into the information system on `on` (6.1.2.8), with
   * the change in the archive's history.
   */
  async markArchiveEntered(retireeId: string, on: string, userId: string): Promise<void> {
    const [retiree] = await this.db.query<{ archive_entered_on: string | null }>(
      'select archive_entered_on::text as archive_entered_on from retirees where id = $1 for update',
      [retireeId],
    );
    await this.db.query('update retirees set archive_entered_on = $2, updated_at = now() where id = $1', [
      retireeId,
      on,
    ]);
    await this.db.query(
      `insert into archive_changes (retiree_id, changed_at, changed_by, source, field, old_value, new_value)
       values ($1, $2, $3, 'edit', 'archiveEnteredOn', $4, $5)`,
      [retireeId, this.clock(), userId, retiree?.archive_entered_on ?? null, on],
    );
  }
}
