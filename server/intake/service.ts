/**
 * Reception and resettlement (6.1 接收安置). An intake case per newly transferred retiree — one open at a
 * time — holds the checklist of 6.1.1 a)–e) (./steps.ts), each step with due date, done date (never in the
 * future), who did it, note and attachments (archive attachments, so the archive's type check, storage and
 * read log apply); the three-party meeting (6.1.2.4); the three-party agreement with the medical-cost
 * responsibility until the social-security card is issued (6.1.2.6). Completion needs every required step
 * done; it marks the retiree's archive record as entered into the information system (6.1.2.8). Every change
 * is kept in the case's history with who and when. A caseworker with a station reaches only its retirees.
 * The rules are in ./rules.ts, the SQL in ./store.ts; this service holds the transactions and the scope.
 */

import { randomUUID } from 'node:crypto';
import { AttachmentStore, type AttachmentType } from '../archive/attachments.ts';
import { ArchiveStore, FieldErrors } from '../archive/store.ts';
import type { Clock } from '../calendar.ts';
import { centreDay } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { conflict, HubError } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  AgreementInput,
  IntakeCase,
  IntakeCaseInput,
  IntakeCaseList,
  IntakeCaseQuery,
  IntakeCaseSummary,
  IntakeCaseUpdate,
  IntakeCompleteInput,
  IntakeStepKind,
  IntakeStepUpdate,
  MeetingInput,
} from '../schemas/intake.ts';
import { Deadlines } from '../settings/deadlines.ts';
import { isUniqueViolation } from '../store/rows.ts';
import { assertInScope, type Scope } from '../store/scope.ts';
import {
  caseChanges,
  checkAgreement,
  checkCompletion,
  checklist,
  checkMeeting,
  checkNotBlank,
  checkOpening,
  checkStepUpdate,
  type MissingStep,
  medicalTerm,
  missingSteps,
  Problems,
  STEP_NEEDS,
  stepChange,
} from './rules.ts';
import { STEP_DAYS, stepTitle } from './steps.ts';
import { IntakeStore, type LockedCase } from './store.ts';

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

export interface IntakeOptions {
  /** The folder holding the archive's `attachments/` (the archive's own setting). */
  dataDir: string;
}

export class IntakeService {
  private readonly attachments: AttachmentStore;
  private readonly store: IntakeStore;
  private readonly deadlines: Deadlines;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock = () => new Date(),
    options: IntakeOptions = { dataDir: './data' },
  ) {
    this.attachments = new AttachmentStore(db, new ArchiveStore(db, clock), options.dataDir);
    this.store = new IntakeStore(db, clock);
    this.deadlines = new Deadlines(db);
  }

  today(): string {
    return centreDay(this.clock());
  }

  /** The list with filters and paging, within the user's scope. */
  list(query: IntakeCaseQuery, scope: Scope): Promise<IntakeCaseList> {
    return this.store.list(query, scope);
  }

  /** One case with its steps, meeting, agreement and history; 404 outside the scope. */
  async get(id: string, scope: Scope, db: Queryable = this.db): Promise<IntakeCase> {
    const store = this.store.in(db);
    const row = await store.caseRow(id);
    await assertInScope(db, scope, row.retiree_id);
    return store.hydrate(row);
  }

  /** The open case row locked for a change, in scope; 409 once complete. */
  private async lockOpenCase(db: Queryable, caseId: string, scope: Scope): Promise<LockedCase> {
    const row = await this.store.in(db).lockCase(caseId);
    await assertInScope(db, scope, row.retireeId);
    if (row.status !== 'open') throw conflict('该接收安置已完成，不能再修改');
    return row;
  }

  /** A staff member to own the case; a problem on `ownerId` otherwise. */
  private async ownerOr(store: IntakeStore, problems: Problems, id: string): Promise<string | null> {
    const owner = await store.owner(id);
    if (owner === null) problems.add('ownerId', '没有这名工作人员');
    return owner;
  }

  /** Opens the case and its checklist; 409 while the retiree has an open case. */
  async open(input: IntakeCaseInput, userId: string, scope: Scope): Promise<IntakeCase> {
    const today = this.today();
    const problems = checkOpening(input, today);
    const retireeId = uuidOr404(input.retireeId, 'retiree');
    return this.db.transaction(async (db) => {
      const store = this.store.in(db);
      const retiree = await store.lockRetiree(retireeId);
      await assertInScope(db, scope, retiree.id);
      const ownerId = input.ownerId ? await this.ownerOr(store, problems, input.ownerId) : userId;
      refuse(problems);
      if (retiree.status === 'deceased') throw conflict(`${retiree.name}已故，不能办理接收安置`);
      if (await store.hasOpenCase(retiree.id))
        throw conflict(`${retiree.name}已有未完成的接收安置，请在原案中继续办理`);
      const id = randomUUID();
      try {
        await store.addCase({
          id,
          retireeId: retiree.id,
          receivedOn: input.receivedOn,
          sendingUnit: input.sendingUnit.trim(),
          placement: (input.placement ?? '').trim(),
          pensionLevel: (input.pensionLevel ?? '').trim(),
          ownerId,
          note: (input.note ?? '').trim(),
          openedBy: userId,
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw conflict(`${retiree.name}已有未完成的接收安置，请在原案中继续办理`);
        throw error;
      }
      // Due dates count from the day the case is opened: a case recorded late is not born overdue.
      const days = await this.deadlines.steps(STEP_DAYS, db);
      for (const step of checklist(today, days)) await store.addStep(id, retiree.id, step);
      await store.event(
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
      const store = this.store.in(db);
      const row = await this.lockOpenCase(db, id, scope);
      const problems = new Problems();
      checkNotBlank(problems, 'sendingUnit', input.sendingUnit, '部队移交单位');
      const changes: [string, string | null, string][] = caseChanges(input);
      if (input.ownerId !== undefined) {
        const owner = input.ownerId === null ? null : await this.ownerOr(store, problems, input.ownerId);
        changes.push(['owner_id', owner, '负责人']);
      }
      refuse(problems);
      if (changes.length > 0) {
        await store.setCase(
          row.id,
          changes.map(([column, value]) => [column, value]),
        );
        const detail = changes.map(([, value, label]) => `${label}：${value ?? '—'}`).join('；');
        await store.event(row.id, null, userId, 'updated', detail);
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
      const store = this.store.in(db);
      const step = await store.step(id);
      const row = await this.lockOpenCase(db, step.caseId, scope);
      refuse(checkStepUpdate(input, step.step, today));
      if (input.status === 'done' && step.status !== 'done') await this.checkStepReady(store, row, step.step);
      const change = stepChange(input, step, userId, today);
      if (change.set.length > 0) {
        await store.setStep(step.id, change.set);
        for (const [action, detail] of change.events)
          await store.event(row.id, step.id, userId, action, detail);
      }
      return this.get(row.id, scope, db);
    });
  }

  /** Some steps are done only with what they produce on record (409 with what is missing). */
  private async checkStepReady(store: IntakeStore, row: LockedCase, step: IntakeStepKind): Promise<void> {
    const need = STEP_NEEDS[step];
    if (!need) return;
    const present =
      need.needs === 'placement'
        ? Boolean(row.placement)
        : need.needs === 'pensionLevel'
          ? Boolean(row.pensionLevel)
          : need.needs === 'meeting'
            ? await store.threeParty.hasMeeting(row.id)
            : await store.threeParty.hasSignedAgreement(row.id);
    if (!present) throw conflict(need.message);
  }

  /** Closes a step on a given day as part of another record (the meeting, the agreement). */
  private async closeStep(
    store: IntakeStore,
    caseId: string,
    step: IntakeStepKind,
    on: string,
    userId: string,
  ) {
    const closed = await store.closeStep(caseId, step, on, userId);
    if (closed) await store.event(caseId, closed, userId, 'step_done', `${stepTitle(step)}：办结于 ${on}`);
  }

  /** Records (or corrects) the three-party meeting (6.1.2.4); its step is done on the day it was held. */
  async saveMeeting(id: string, input: MeetingInput, userId: string, scope: Scope): Promise<IntakeCase> {
    const problems = checkMeeting(input, this.today());
    return this.db.transaction(async (db) => {
      const store = this.store.in(db);
      const row = await this.lockOpenCase(db, id, scope);
      refuse(problems);
      const attendees = input.attendees.map((a) => ({
        name: a.name.trim(),
        side: a.side,
        ...(a.title?.trim() ? { title: a.title.trim() } : {}),
      }));
      await store.threeParty.saveMeeting(
        row.id,
        {
          heldOn: input.heldOn,
          place: input.place.trim(),
          centreName: input.centreName.trim(),
          unitName: input.unitName.trim(),
          retireeSide: input.retireeSide,
          retireeSideName: input.retireeSideName.trim(),
          guardianRelation: input.retireeSide === 'guardian' ? (input.guardianRelation ?? '').trim() : '',
          attendees,
          notes: (input.notes ?? '').trim(),
        },
        userId,
      );
      await store.event(
        row.id,
        null,
        userId,
        'meeting',
        `“三方”见面会：${input.heldOn}，${input.place.trim()}，${attendees.length}人参加`,
      );
      await this.closeStep(store, row.id, 'three_party_meeting', input.heldOn, userId);
      return this.get(row.id, scope, db);
    });
  }

  /**
   * Records the three-party agreement's terms; with its signed date (and the three signatories) it is signed,
   * its step done on that day, and it no longer changes (409).
   */
  async saveAgreement(id: string, input: AgreementInput, userId: string, scope: Scope): Promise<IntakeCase> {
    return this.db.transaction(async (db) => {
      const store = this.store.in(db);
      const row = await this.lockOpenCase(db, id, scope);
      refuse(checkAgreement(input, row.receivedOn, this.today()));
      const signed = await store.threeParty.agreementSignedOn(row.id);
      if (signed) throw conflict(`协议已于 ${signed} 签订，不能再修改`);
      const signedOn = input.signedOn ?? null;
      const until = input.medicalUntil === 'date' ? (input.medicalUntilDate ?? null) : null;
      const signatories = (input.signatories ?? []).map((s) => ({
        party: s.party,
        name: s.name.trim(),
        ...(s.title?.trim() ? { title: s.title.trim() } : {}),
      }));
      await store.threeParty.saveAgreement(
        row.id,
        {
          centreName: input.centreName.trim(),
          unitName: input.unitName.trim(),
          retireeSide: input.retireeSide,
          retireeSideName: input.retireeSideName.trim(),
          placement: row.placement,
          pensionLevel: row.pensionLevel,
          medicalBearer: input.medicalBearer,
          medicalUntil: input.medicalUntil,
          medicalUntilDate: until,
          otherTerms: (input.otherTerms ?? []).map((term) => term.trim()),
          signatories,
          signedOn,
        },
        userId,
      );
      const term = medicalTerm(input.medicalBearer, input.medicalUntil, until);
      await store.event(
        row.id,
        null,
        userId,
        'agreement',
        signedOn ? `“三方”协议签订于 ${signedOn}；${term}` : `“三方”协议草拟；${term}`,
      );
      if (signedOn) await this.closeStep(store, row.id, 'agreement_signed', signedOn, userId);
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
    const step = await this.store.step(stepId);
    await this.db.transaction((db) => this.lockOpenCase(db, step.caseId, scope));
    const added = await this.attachments.add(step.retireeId, file.name, file.type, file.bytes, userId);
    return this.db.transaction(async (db) => {
      const store = this.store.in(db);
      await this.lockOpenCase(db, step.caseId, scope);
      await store.attach(step.id, added.id, userId);
      await store.event(
        step.caseId,
        step.id,
        userId,
        'attachment',
        `${stepTitle(step.step)}：附件 ${added.name}`,
      );
      return this.get(step.caseId, scope, db);
    });
  }

  /**
   * Completes the case when every required step is done and none is left open (409 listing the rest); the
   * retiree's archive record is marked as entered into the information system on that day (6.1.2.8).
   */
  async complete(id: string, input: IntakeCompleteInput, userId: string, scope: Scope): Promise<IntakeCase> {
    const today = this.today();
    return this.db.transaction(async (db) => {
      const store = this.store.in(db);
      const row = await this.lockOpenCase(db, id, scope);
      const completedOn = input.completedOn ?? today;
      refuse(checkCompletion(completedOn, row.receivedOn, today));
      const missing = missingSteps(await store.steps(row.id));
      if (missing.length > 0) throw new IncompleteCase(missing);
      await store.completeCase(row.id, completedOn, userId);
      await store.markArchiveEntered(row.retireeId, completedOn, userId);
      await store.event(
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
