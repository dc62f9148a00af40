/**
 * Requests to travel abroad (6.4.2.3) and to take a part-time post in a social organisation
 * (6.4.2.5), with the steps of their approval chain. The chain is chosen by the retiree's rank when
 * the request is made and kept with it, so a later change of rank does not change a chain under way.
 */

import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { badRequest, conflict, forbidden, HubError, notFound } from '../errors.ts';
import type {
  AbroadRequest,
  AbroadRequestList,
  AbroadRequestStep,
  ApprovalChainStep,
} from '../schemas/abroad.ts';
import type { User } from '../schemas/auth.ts';
import { Filter } from '../store/filter.ts';
import { iso, isoRequired } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';
import {
  CHAINS,
  type ChainStep,
  CLOSED_STATUSES,
  chainFor,
  DECISIONS,
  type Decision,
  type RankLevel,
  type RequestKind,
  type RequestStatus,
  rankLevel,
  takeStep,
  unknownRankMessage,
} from './chains.ts';

export interface RetireeFacts {
  id: string;
  name: string;
  rank: string;
  status: string;
}

/** The retiree's name, rank text and status, or null. */
export async function retireeFacts(db: Queryable, id: string): Promise<RetireeFacts | null> {
  const [row] = await db.query<RetireeFacts>('select id, name, rank, status from retirees where id = $1', [
    id,
  ]);
  return row ?? null;
}

/** The rank level that chooses the chain; 400 with the reason when the rank names none. */
export function levelOrBadRequest(retiree: RetireeFacts): RankLevel {
  const level = rankLevel(retiree.rank);
  if (!level) throw badRequest(unknownRankMessage(retiree.rank));
  return level;
}

export function chainView(steps: readonly ChainStep[]): ApprovalChainStep[] {
  return steps.map((step) => ({
    key: step.key,
    label: step.label,
    action: step.action,
    roles: [...step.roles],
    decisions: [...DECISIONS[step.action]],
    document: step.document,
    clause: step.clause,
  }));
}

/** Every chain of the table, for the interface to show what a request will go through. */
export function allChains(): { kind: RequestKind; rank: RankLevel; steps: ApprovalChainStep[] }[] {
  return (Object.keys(CHAINS) as RequestKind[]).flatMap((kind) =>
    (Object.keys(CHAINS[kind]) as RankLevel[]).map((rank) => ({
      kind,
      rank,
      steps: chainView(CHAINS[kind][rank]),
    })),
  );
}

interface RequestRow {
  id: string;
  kind: RequestKind;
  retiree_id: string;
  retiree_name: string;
  rank: RankLevel;
  status: RequestStatus;
  destination: string | null;
  purpose: string | null;
  depart_on: string | null;
  return_on: string | null;
  organisation: string | null;
  post: string | null;
  starts_on: string | null;
  ends_on: string | null;
  note: string;
  requested_by: string;
  requested_by_name: string;
  requested_at: Date;
  closed_at: Date | null;
  stay_id: string | null;
}

interface StepRow {
  request_id: string;
  position: number;
  step: string;
  decision: Decision | 'withdraw';
  actor_id: string;
  actor_name: string;
  at: Date;
  note: string;
  document_no: string | null;
  document_date: string | null;
}

const SELECT = `select r.id, r.kind, r.retiree_id, p.name as retiree_name, r.rank, r.status, r.destination,
    r.purpose, r.depart_on::text as depart_on, r.return_on::text as return_on, r.organisation, r.post,
    r.starts_on::text as starts_on, r.ends_on::text as ends_on, r.note, r.requested_by,
    u.display_name as requested_by_name, r.requested_at, r.closed_at,
    (select s.id from abroad_stays s where s.request_id = r.id) as stay_id
  from abroad_requests r
  join retirees p on p.id = r.retiree_id
  join users u on u.id = r.requested_by`;

function toRequest(row: RequestRow, steps: StepRow[]): AbroadRequest {
  const chain = chainFor(row.kind, row.rank);
  const taken = steps.filter((step) => step.position >= 0).length;
  const closed = CLOSED_STATUSES.includes(row.status);
  return {
    id: row.id,
    kind: row.kind,
    retireeId: row.retiree_id,
    retireeName: row.retiree_name,
    rank: row.rank,
    status: row.status,
    destination: row.destination,
    purpose: row.purpose,
    departDate: row.depart_on,
    returnDate: row.return_on,
    organisation: row.organisation,
    post: row.post,
    startDate: row.starts_on,
    endDate: row.ends_on,
    note: row.note,
    requestedById: row.requested_by,
    requestedBy: row.requested_by_name,
    requestedAt: isoRequired(row.requested_at),
    closedAt: iso(row.closed_at),
    chain: chainView(chain),
    steps: steps.map(
      (step): AbroadRequestStep => ({
        position: step.position,
        step: step.step,
        label: step.position >= 0 ? (chain[step.position]?.label ?? step.step) : '撤回申请',
        decision: step.decision,
        byId: step.actor_id,
        by: step.actor_name,
        at: isoRequired(step.at),
        note: step.note,
        documentNo: step.document_no,
        documentDate: step.document_date,
      }),
    ),
    nextStep: closed ? null : (chain[taken]?.key ?? null),
    stayId: row.stay_id,
  };
}

export interface TravelFields {
  destination: string;
  purpose: string;
  departDate: string;
  returnDate: string;
}

export interface PostFields {
  organisation: string;
  post: string;
  startDate: string;
  endDate: string | null;
}

export interface RequestFilter {
  kind?: RequestKind | undefined;
  status?: RequestStatus | undefined;
  open?: boolean | undefined;
  retireeId?: string | undefined;
}

export class AbroadRequests {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * A new request for `retiree`; its chain follows the retiree's rank (400 when the rank is not one
   * of the four levels; 409 for a deceased retiree).
   */
  async create(
    retiree: RetireeFacts,
    by: User,
    input: ({ kind: 'travel' } & TravelFields) | ({ kind: 'part_time_post' } & PostFields),
    note: string,
  ): Promise<AbroadRequest> {
    const level = levelOrBadRequest(retiree);
    if (retiree.status === 'deceased') throw conflict(`${retiree.name}已故，不能提出申请`);
    const id = randomUUID();
    const travel = input.kind === 'travel' ? input : null;
    const post = input.kind === 'part_time_post' ? input : null;
    await this.db.query(
      `insert into abroad_requests (id, kind, retiree_id, rank, status, destination, purpose, depart_on, return_on,
         organisation, post, starts_on, ends_on, note, requested_by, requested_at)
       values ($1, $2, $3, $4, 'requested', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        id,
        input.kind,
        retiree.id,
        level,
        travel?.destination ?? null,
        travel?.purpose ?? null,
        travel?.departDate ?? null,
        travel?.returnDate ?? null,
        post?.organisation ?? null,
        post?.post ?? null,
        post?.startDate ?? null,
        post?.endDate ?? null,
        note,
        by.id,
        this.now(),
      ],
    );
    return (await this.byId(id)) as AbroadRequest;
  }

  async byId(id: string, db: Queryable = this.db): Promise<AbroadRequest | null> {
    const [row] = await db.query<RequestRow>(`${SELECT} where r.id = $1`, [id]);
    if (!row) return null;
    return toRequest(row, await this.steps([id], db));
  }

  async list(
    filter: RequestFilter,
    limit: number,
    offset: number,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<AbroadRequestList> {
    const conditions = new Filter()
      .when('r.kind = ?', filter.kind)
      .when('r.status = ?', filter.status)
      .when('r.retiree_id = ?', filter.retireeId)
      .either(filter.open, 'r.closed_at is null', 'r.closed_at is not null')
      .inScope(scope, 'r.retiree_id');
    const where = `where ${conditions.sql}`;
    const [count] = await this.db.query<{ total: number }>(
      `select count(*)::int as total from abroad_requests r ${where}`,
      conditions.params,
    );
    const rows = await this.db.query<RequestRow>(
      `${SELECT} ${where} order by r.requested_at desc, r.id desc limit ${Number(limit)} offset ${Number(offset)}`,
      conditions.params,
    );
    const steps = await this.steps(rows.map((row) => row.id));
    return {
      total: count?.total ?? 0,
      items: rows.map((row) =>
        toRequest(
          row,
          steps.filter((step) => step.request_id === row.id),
        ),
      ),
    };
  }

  private async steps(ids: string[], db: Queryable = this.db): Promise<StepRow[]> {
    if (!ids.length) return [];
    return db.query<StepRow>(
      `select s.request_id, s.position, s.step, s.decision, s.actor_id, u.display_name as actor_name, s.at, s.note,
              s.document_no, s.document_date::text as document_date
         from abroad_request_steps s join users u on u.id = s.actor_id
        where s.request_id = any($1::uuid[]) order by s.at, s.id`,
      [ids],
    );
  }

  /**
   * Records the next step of the chain. The request row is locked so that two people acting at once
   * cannot both take the same step; the rule of chains.ts decides (400, 403 or 409 when it refuses).
   */
  async recordStep(
    id: string,
    by: User,
    attempt: {
      step: string;
      decision: Decision;
      note: string;
      documentNo: string | null;
      documentDate: string | null;
    },
  ): Promise<AbroadRequest> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ kind: RequestKind; rank: RankLevel; status: RequestStatus }>(
        'select kind, rank, status from abroad_requests where id = $1 for update',
        [id],
      );
      if (!row) throw notFound('申请');
      const [{ taken } = { taken: 0 }] = await tx.query<{ taken: number }>(
        'select count(*)::int as taken from abroad_request_steps where request_id = $1 and position >= 0',
        [id],
      );
      const outcome = takeStep(row.kind, row.rank, row.status, taken, { ...attempt, role: by.role });
      if (!outcome.ok) {
        if (outcome.status === 403) throw forbidden(outcome.message);
        if (outcome.status === 409) throw conflict(outcome.message);
        throw new HubError(400, 'bad_request', outcome.message);
      }
      const at = this.now();
      await tx.query(
        `insert into abroad_request_steps (request_id, position, step, decision, actor_id, at, note, document_no, document_date)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          outcome.position,
          outcome.step.key,
          attempt.decision,
          by.id,
          at,
          attempt.note,
          outcome.step.document ? attempt.documentNo?.trim() : null,
          outcome.step.document ? attempt.documentDate : null,
        ],
      );
      await tx.query('update abroad_requests set status = $2, closed_at = $3 where id = $1', [
        id,
        outcome.status,
        outcome.closed ? at : null,
      ]);
      return (await this.byId(id, tx)) as AbroadRequest;
    });
  }

  /** Withdraws a request still under way (the retiree gave up the trip or post). */
  async withdraw(id: string, by: User, reason: string): Promise<AbroadRequest> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ status: RequestStatus }>(
        'select status from abroad_requests where id = $1 for update',
        [id],
      );
      if (!row) throw notFound('申请');
      if (CLOSED_STATUSES.includes(row.status)) throw conflict('该申请已办结，不能撤回');
      const at = this.now();
      await tx.query(
        `insert into abroad_request_steps (request_id, position, step, decision, actor_id, at, note)
         values ($1, -1, 'withdraw', 'withdraw', $2, $3, $4)`,
        [id, by.id, at, reason],
      );
      await tx.query(`update abroad_requests set status = 'withdrawn', closed_at = $2 where id = $1`, [
        id,
        at,
      ]);
      return (await this.byId(id, tx)) as AbroadRequest;
    });
  }
}
