/**
 * After death (6.10 逝世善后服务). Recording a death (date not in the future, place) in one transaction:
 * opens the bereavement checklist of 6.10.2.1–6.10.2.4, each step with owner and due date; marks the
 * retiree deceased (the archive's status, with a line in its change history) — the record is closed,
 * nothing is deleted; stops the retiree's living benefits (nursing fee, meal subsidies) with reason
 * death; ends the pay items with the month of death; ends the current care arrangement; closes open
 * visit tasks; and opens the survivor subsidy (遗属生活补助, 6.10.2.4) as an application for the
 * survivor named. The funeral allowance and survivor pension steps close when the payment is
 * recorded (../pay/lump-sums.ts).
 */

import { randomUUID } from 'node:crypto';
import { BenefitService } from '../benefits/service.ts';
import { addDays } from '../calendar.ts';
import { CareService } from '../care/service.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import { endPayAtDeath } from '../pay/ledger.ts';
import type {
  BereavementStep,
  BereavementStepKind,
  BereavementStepUpdate,
  Death,
  DeathInput,
  DeathQuery,
  DeathResult,
  FlagCovering,
} from '../schemas/bereavement.ts';
import { stepDeadlines } from '../settings/deadlines.ts';
import { checkDate, retireeOr404, userOr400 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { insertRow, iso, isoRequired } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';

/** The steps in order, with their title and the days allowed from the day the death is recorded. */
export const STEPS: ReadonlyArray<{ step: BereavementStepKind; title: string; days: number }> = [
  { step: 'help_family', title: '协助家属处理善后事宜', days: 1 },
  { step: 'condolences', title: '慰问吊唁', days: 1 },
  { step: 'report', title: '向本级安置主管部门报告', days: 1 },
  { step: 'obituary', title: '发布讣告', days: 3 },
  { step: 'life_story', title: '书写生平', days: 5 },
  { step: 'farewell', title: '遗体告别（控制规模，节约简朴）', days: 7 },
  { step: 'flag_covering', title: '覆盖党旗/军旗', days: 7 },
  { step: 'funeral_allowance', title: '申报发放丧葬费', days: 30 },
  { step: 'survivor_pension', title: '申报发放抚恤金', days: 30 },
  { step: 'survivor_subsidy', title: '申报遗属生活补助', days: 30 },
];

/** The days each step allows, as the centre sets them (the defaults above). */
export const STEP_DAYS = stepDeadlines('bereavement.step_days', STEPS, {
  title: '身后事各步骤时限（自登记逝世之日起天数）',
  clause: '6.10',
});
const TITLES = Object.fromEntries(STEPS.map((s) => [s.step, s.title])) as Record<BereavementStepKind, string>;
const FLAG_TITLES: Record<FlagCovering, string> = {
  party: '覆盖党旗',
  army: '覆盖军旗',
  none: '覆盖党旗/军旗（不适用）',
};

interface DeathRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  died_on: string;
  place: string;
  cause: string;
  survivor_name: string;
  survivor_relation: string;
  flag_covering: FlagCovering;
  recorded_at: Date | string;
  completed_at: Date | string | null;
}

const selectDeath = `select d.id, d.retiree_id, r.name as retiree_name, d.died_on::text as died_on, d.place,
    d.cause, d.survivor_name, d.survivor_relation, d.flag_covering, d.recorded_at, d.completed_at
  from deaths d join retirees r on r.id = d.retiree_id`;

interface StepRow {
  id: string;
  death_id: string;
  step: BereavementStepKind;
  owner_id: string | null;
  owner_name: string | null;
  due_on: string;
  status: BereavementStep['status'];
  done_on: string | null;
  note: string;
}

export class BereavementService extends RecordKeeper {
  private readonly benefits = new BenefitService(this.db, this.clock);
  private readonly care = new CareService(this.db, this.clock);

  private async hydrate(db: Queryable, rows: DeathRow[]): Promise<Death[]> {
    if (rows.length === 0) return [];
    const steps = await db.query<StepRow>(
      `select s.id, s.death_id, s.step, s.owner_id, u.display_name as owner_name, s.due_on::text as due_on,
              s.status, s.done_on::text as done_on, s.note
         from bereavement_steps s left join users u on u.id = s.owner_id
        where s.death_id = any($1::uuid[]) order by s.seq`,
      [rows.map((row) => row.id)],
    );
    const today = this.today();
    const stepsOf = new Map<string, StepRow[]>();
    for (const step of steps) {
      const group = stepsOf.get(step.death_id);
      if (group) group.push(step);
      else stepsOf.set(step.death_id, [step]);
    }
    return rows.map((row) => ({
      id: row.id,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      diedOn: row.died_on,
      place: row.place,
      cause: row.cause,
      survivorName: row.survivor_name,
      survivorRelation: row.survivor_relation,
      flagCovering: row.flag_covering,
      recordedAt: isoRequired(row.recorded_at),
      completedAt: iso(row.completed_at),
      steps: (stepsOf.get(row.id) ?? []).map((s) => ({
        id: s.id,
        step: s.step,
        title: s.step === 'flag_covering' ? FLAG_TITLES[row.flag_covering] : TITLES[s.step],
        ownerId: s.owner_id,
        ownerName: s.owner_name,
        dueOn: s.due_on,
        status: s.status,
        doneOn: s.done_on,
        note: s.note,
        overdue: s.status === 'open' && s.due_on < today,
      })),
    }));
  }

  /** Deaths in `scope`, latest first; `limit` may go beyond the query's for an export. */
  async list(query: DeathQuery, scope: Scope = WHOLE_CENTRE): Promise<Death[]> {
    const filter = new Filter()
      .inScope(scope, 'd.retiree_id')
      .id('d.retiree_id', query.retireeId, 'retiree')
      .either(query.open, 'd.completed_at is null', 'd.completed_at is not null');
    const rows = await this.db.query<DeathRow>(
      `${selectDeath} where ${filter.sql}
        order by d.died_on desc, d.id limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return this.hydrate(this.db, rows);
  }

  async get(id: string, db: Queryable = this.db): Promise<Death> {
    const rows = await db.query<DeathRow>(`${selectDeath} where d.id = $1`, [uuidOr404(id, 'death record')]);
    const [death] = await this.hydrate(db, rows);
    if (!death) throw notFound('death record');
    return death;
  }

  async record(input: DeathInput, userId: string): Promise<DeathResult> {
    const diedOn = checkDate(input.diedOn, 'diedOn');
    const today = this.today();
    if (diedOn > today) throw badRequest('diedOn: 逝世日期不能晚于今天');
    const place = input.place.trim();
    if (!place) throw badRequest('place: 请填写逝世地点');
    const survivorName = (input.survivorName ?? '').trim();
    const survivorRelation = (input.survivorRelation ?? '').trim();
    return this.db.transaction(async (db) => {
      const [retiree] = await db.query<{ id: string; name: string; status: string; party_member: boolean }>(
        'select id, name, status, party_member from retirees where id = $1 for update',
        [(await retireeOr404(db, input.retireeId)).id],
      );
      if (!retiree) throw notFound('retiree');
      const [already] = await db.query('select id from deaths where retiree_id = $1', [retiree.id]);
      if (already || retiree.status === 'deceased') throw conflict(`${retiree.name}已登记逝世`);
      const ownerId = input.ownerId ? await userOr400(db, input.ownerId) : userId;
      // 6.10.2.3: the party flag for a party member unless the family asks otherwise.
      const flag: FlagCovering = input.flagCovering ?? (retiree.party_member ? 'party' : 'none');
      const id = randomUUID();
      await insertRow(db, 'deaths', {
        id,
        retiree_id: retiree.id,
        died_on: diedOn,
        place,
        cause: (input.cause ?? '').trim(),
        survivor_name: survivorName,
        survivor_relation: survivorRelation,
        flag_covering: flag,
        recorded_by: userId,
      });
      // Steps are counted from the day the death is recorded (a death learned late is not born overdue).
      const base = today;
      const days = await this.deadlines.steps(STEP_DAYS, db);
      for (const [seq, step] of STEPS.entries()) {
        const notApplicable = step.step === 'flag_covering' && flag === 'none';
        await insertRow(db, 'bereavement_steps', {
          id: randomUUID(),
          death_id: id,
          retiree_id: retiree.id,
          step: step.step,
          seq,
          owner_id: ownerId,
          due_on: addDays(base, days[step.step]),
          status: notApplicable ? 'not_applicable' : 'open',
        });
      }
      await db.query(`update retirees set status = 'deceased', updated_at = now() where id = $1`, [
        retiree.id,
      ]);
      await db.query(
        `insert into archive_changes (retiree_id, changed_by, source, field, old_value, new_value)
         values ($1, $2, 'edit', 'status', $3, 'deceased')`,
        [retiree.id, userId, retiree.status],
      );
      await db.query(
        `update visit_tasks set status = 'cancelled', closed_at = now() where retiree_id = $1 and status = 'open'`,
        [retiree.id],
      );
      const stoppedBenefitIds = await this.benefits.stopLivingOnDeath(db, retiree.id, diedOn, userId);
      await endPayAtDeath(db, retiree.id, diedOn);
      const endedCareArrangementId = await this.care.endOnDeath(db, retiree.id, diedOn, userId);
      let survivorSubsidyId: string | null = null;
      if (survivorName) {
        const opened = await this.benefits.apply(
          {
            retireeId: retiree.id,
            kind: 'survivor_subsidy',
            beneficiaryName: survivorName,
            beneficiaryRelation: survivorRelation,
            ownerId,
            note: `${retiree.name}逝世后申报（6.10.2.4）`,
          },
          userId,
          db,
        );
        survivorSubsidyId = opened.id;
      }
      return { death: await this.get(id, db), stoppedBenefitIds, survivorSubsidyId, endedCareArrangementId };
    });
  }

  /** Whose step this is, for the scope check before a change; 404 when there is none. */
  async retireeOfStep(id: string): Promise<string> {
    const [row] = await this.db.query<{ retiree_id: string }>(
      'select retiree_id from bereavement_steps where id = $1',
      [uuidOr404(id, 'bereavement step')],
    );
    if (!row) throw notFound('bereavement step');
    return row.retiree_id;
  }

  /** Assign, move, or close a step (done or not applicable); a closed step is not reopened (409). */
  async updateStep(id: string, input: BereavementStepUpdate, userId: string): Promise<Death> {
    return this.db.transaction(async (db) => {
      const [step] = await db.query<{ id: string; death_id: string; status: string; due_on: string }>(
        'select id, death_id, status, due_on::text as due_on from bereavement_steps where id = $1 for update',
        [uuidOr404(id, 'bereavement step')],
      );
      if (!step) throw notFound('bereavement step');
      if (step.status !== 'open') throw conflict('该事项已办结');
      const sets: string[] = [];
      const params: unknown[] = [step.id];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (input.ownerId !== undefined)
        set('owner_id', input.ownerId === null ? null : await userOr400(db, input.ownerId));
      if (input.dueOn !== undefined) set('due_on', checkDate(input.dueOn, 'dueOn'));
      if (input.note !== undefined) set('note', input.note.trim());
      if (input.doneOn !== undefined && input.status !== 'done') throw badRequest('doneOn: 仅在办结时填写');
      if (input.status === 'done') {
        const doneOn = checkDate(input.doneOn ?? this.today(), 'doneOn');
        if (doneOn > this.today()) throw badRequest('doneOn: 办结日期不能晚于今天');
        set('status', 'done');
        set('done_on', doneOn);
        set('done_by', userId);
      } else if (input.status === 'not_applicable') {
        if (!input.note?.trim()) throw badRequest('note: 请写明不适用的理由');
        set('status', 'not_applicable');
      }
      if (sets.length > 0)
        await db.query(`update bereavement_steps set ${sets.join(', ')} where id = $1`, params);
      await markCompletion(db, step.death_id);
      return this.get(step.death_id, db);
    });
  }
}

/** The death is complete when none of its steps is open, and open again while one is. */
async function markCompletion(db: Queryable, deathId: string): Promise<void> {
  const [open] = await db.query<{ n: number | string }>(
    `select count(*) as n from bereavement_steps where death_id = $1 and status = 'open'`,
    [deathId],
  );
  await db.query(
    `update deaths set completed_at = case when $2 then coalesce(completed_at, now()) else null end where id = $1`,
    [deathId, Number(open?.n ?? 0) === 0],
  );
}

/**
 * The retiree's bereavement `step` done on `doneOn` by `userId`, with `note`, when it is open: a
 * payment recorded elsewhere (丧葬费, 抚恤金) closes the step that asks for it. Inside `db`'s transaction.
 */
export async function closeStepDone(
  db: Queryable,
  retireeId: string,
  step: BereavementStepKind,
  done: { on: string; by: string; note: string },
): Promise<void> {
  const [row] = await db.query<{ death_id: string }>(
    `update bereavement_steps set status = 'done', done_on = $3, done_by = $4,
       note = case when note = '' then $5 else note || '；' || $5 end
      where retiree_id = $1 and step = $2 and status = 'open' returning death_id`,
    [retireeId, step, done.on, done.by, done.note],
  );
  if (row) await markCompletion(db, row.death_id);
}
