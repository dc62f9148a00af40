/**
 * Retirees abroad (6.4.2.4): the stay from departure to return, the contact log with its monthly due
 * date, and the "pension suspended" flag raised after six months without contact, with the draft
 * report to the superior department. The flag is cleared only by a recorded decision.
 */
import { randomUUID } from 'node:crypto';
import { centreDay, daysBetween } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type {
  AbroadContact,
  AbroadRequest,
  AbroadStay,
  AbroadStayDetail,
  PensionSuspension,
} from '../schemas/abroad.ts';
import type { User } from '../schemas/auth.ts';
import { Filter } from '../store/filter.ts';
import { insertRow, iso, isoRequired, isUniqueViolation, type Timed, timed } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';
import {
  type ContactChannel,
  draftSuspensionReport,
  isContactOverdue,
  monthsWithoutContact,
  nextContactDue,
  shouldSuspend,
  silentSince,
  suspensionDue,
} from './contact.ts';
import type { RetireeFacts } from './requests.ts';

/** A contact may be logged a few minutes "ahead" of the server clock (a phone's clock runs fast). */
const CLOCK_SLACK_MS = 5 * 60_000;

interface StayRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  rank: string;
  request_id: string | null;
  destination: string;
  departed_on: string;
  expected_return_on: string | null;
  returned_on: string | null;
  note: string;
  marked_by: string;
  marked_by_name: string;
  marked_at: Date;
  last_contact_at: Date | null;
  last_contact_channel: ContactChannel | null;
  last_cleared_at: Date | null;
}

type SuspensionRow = Timed<PensionSuspension, 'flaggedAt' | 'lastContactAt' | 'clearedAt'>;

interface ContactRow {
  id: string;
  at: Date;
  channel: ContactChannel;
  by_id: string;
  by_name: string;
  note: string;
  recorded_at: Date;
}

const SELECT_STAY = `select s.id, s.retiree_id, p.name as retiree_name, p.rank, s.request_id, s.destination,
    s.departed_on::text as departed_on, s.expected_return_on::text as expected_return_on,
    s.returned_on::text as returned_on, s.note, s.marked_by, u.display_name as marked_by_name, s.marked_at,
    c.at as last_contact_at, c.channel as last_contact_channel,
    (select max(x.cleared_at) from pension_suspensions x where x.stay_id = s.id) as last_cleared_at
  from abroad_stays s
  join retirees p on p.id = s.retiree_id
  join users u on u.id = s.marked_by
  left join lateral (
    select a.at, a.channel from abroad_contacts a where a.stay_id = s.id order by a.at desc limit 1
  ) c on true`;

const SELECT_SUSPENSION = `select x.id, x.stay_id as "stayId", x.retiree_id as "retireeId", p.name as "retireeName",
    x.flagged_at as "flaggedAt", x.flagged_on::text as "flaggedOn", x.silent_since::text as "silentSince",
    x.last_contact_at as "lastContactAt", x.months, x.report, x.cleared_at is null as active, x.cleared_at as "clearedAt",
    x.cleared_by as "clearedById", u.display_name as "clearedBy", x.clear_reason as "clearReason"
  from pension_suspensions x
  join retirees p on p.id = x.retiree_id
  left join users u on u.id = x.cleared_by`;

function toSuspension(row: SuspensionRow): PensionSuspension {
  return timed(row, 'flaggedAt', 'lastContactAt', 'clearedAt');
}

const dateOf = (at: Date | null): string | null => (at ? centreDay(at) : null);

/** The stay with its due dates at `today` (the centre's date). */
function toStay(row: StayRow, suspension: PensionSuspension | null, today: string): AbroadStay {
  const abroad = row.returned_on === null;
  const lastContactOn = dateOf(row.last_contact_at);
  const since = silentSince(row.departed_on, lastContactOn, dateOf(row.last_cleared_at));
  const due = abroad ? nextContactDue(row.departed_on, lastContactOn) : null;
  const overdue = due !== null && isContactOverdue(due, today);
  return {
    id: row.id,
    retireeId: row.retiree_id,
    retireeName: row.retiree_name,
    requestId: row.request_id,
    destination: row.destination,
    departedOn: row.departed_on,
    expectedReturnOn: row.expected_return_on,
    returnedOn: row.returned_on,
    state: abroad ? 'abroad' : 'returned',
    note: row.note,
    markedById: row.marked_by,
    markedBy: row.marked_by_name,
    markedAt: isoRequired(row.marked_at),
    lastContactAt: iso(row.last_contact_at),
    nextContactDue: due,
    overdue,
    daysOverdue: overdue && due ? daysBetween(due, today) : 0,
    silentSince: since,
    suspensionDueOn: abroad ? suspensionDue(since) : null,
    suspension,
  };
}

export interface StayFilter {
  state?: 'abroad' | 'returned' | 'all' | undefined;
  retireeId?: string | undefined;
}

export class AbroadStays {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private today(): string {
    return centreDay(this.now());
  }

  private async activeSuspensions(
    stayIds: string[],
    db: Queryable = this.db,
  ): Promise<Map<string, PensionSuspension>> {
    if (!stayIds.length) return new Map();
    const rows = await db.query<SuspensionRow>(
      `${SELECT_SUSPENSION} where x.stay_id = any($1::uuid[]) and x.cleared_at is null`,
      [stayIds],
    );
    return new Map(rows.map((row) => [row.stayId, toSuspension(row)]));
  }

  private async stays(where: string, params: unknown[], db: Queryable = this.db): Promise<AbroadStay[]> {
    const rows = await db.query<StayRow>(`${SELECT_STAY} ${where}`, params);
    const suspensions = await this.activeSuspensions(
      rows.map((row) => row.id),
      db,
    );
    const today = this.today();
    return rows.map((row) => toStay(row, suspensions.get(row.id) ?? null, today));
  }

  async list(filter: StayFilter, scope: Scope = WHOLE_CENTRE): Promise<AbroadStay[]> {
    const state = filter.state ?? 'abroad';
    const where = new Filter()
      .where(state === 'abroad' && 's.returned_on is null')
      .where(state === 'returned' && 's.returned_on is not null')
      .when('s.retiree_id = ?', filter.retireeId)
      .inScope(scope, 's.retiree_id');
    return this.stays(`where ${where.sql} order by s.departed_on desc, s.id`, where.params);
  }

  /** Retirees abroad whose monthly contact is overdue, longest overdue first (6.4.2.4). */
  async overdue(scope: Scope = WHOLE_CENTRE): Promise<AbroadStay[]> {
    const abroad = await this.list({ state: 'abroad' }, scope);
    return abroad
      .filter((stay) => stay.overdue)
      .sort((a, b) => b.daysOverdue - a.daysOverdue || a.retireeName.localeCompare(b.retireeName, 'zh-CN'));
  }

  async byId(id: string, db: Queryable = this.db): Promise<AbroadStayDetail | null> {
    const [stay] = await this.stays('where s.id = $1', [id], db);
    if (!stay) return null;
    const contacts = await db.query<ContactRow>(
      `select a.id, a.at, a.channel, a.by_id, u.display_name as by_name, a.note, a.recorded_at
         from abroad_contacts a join users u on u.id = a.by_id where a.stay_id = $1 order by a.at desc, a.id`,
      [id],
    );
    const suspensions = await db.query<SuspensionRow>(
      `${SELECT_SUSPENSION} where x.stay_id = $1 order by x.flagged_at desc`,
      [id],
    );
    return {
      ...stay,
      contacts: contacts.map(
        (row): AbroadContact => ({
          id: row.id,
          at: isoRequired(row.at),
          channel: row.channel,
          byId: row.by_id,
          by: row.by_name,
          note: row.note,
          recordedAt: isoRequired(row.recorded_at),
        }),
      ),
      suspensions: suspensions.map(toSuspension),
    };
  }

  /**
   * Marks the retiree abroad from `departedOn` (not in the future); the archive status becomes
   * 出境 (abroad). One stay at a time per retiree (409 for a second).
   */
  async markAbroad(
    retiree: RetireeFacts,
    by: User,
    input: {
      departedOn: string;
      destination: string;
      expectedReturnOn: string | null;
      note: string;
      requestId: string | null;
    },
  ): Promise<AbroadStayDetail> {
    if (retiree.status === 'deceased') throw conflict(`${retiree.name}已故，不能登记出境`);
    if (input.departedOn > this.today()) throw badRequest('出境日期（departedOn）不能晚于今天：出境后再登记');
    if (input.expectedReturnOn && input.expectedReturnOn < input.departedOn) {
      throw badRequest('预计回国日期（expectedReturnOn）不能早于出境日期（departedOn）');
    }
    const id = randomUUID();
    try {
      return await this.db.transaction(async (tx) => {
        await insertRow(tx, 'abroad_stays', {
          id,
          retiree_id: retiree.id,
          request_id: input.requestId,
          destination: input.destination,
          departed_on: input.departedOn,
          expected_return_on: input.expectedReturnOn,
          note: input.note,
          marked_by: by.id,
          marked_at: this.now(),
        });
        await tx.query(
          `update retirees set status = 'abroad', updated_at = $2 where id = $1 and status = 'active'`,
          [retiree.id, this.now()],
        );
        return (await this.byId(id, tx)) as AbroadStayDetail;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict(
          input.requestId ? '这次出境已登记过' : `${retiree.name}已登记在境外，请先登记回国再登记新的出境`,
        );
      }
      throw error;
    }
  }

  /** The departure of an approved or filed trip marks the retiree abroad (6.4.2.3 → 6.4.2.4). */
  async departFromRequest(
    request: AbroadRequest,
    retiree: RetireeFacts,
    by: User,
    departedOn: string | undefined,
    note: string,
  ): Promise<AbroadStayDetail> {
    if (request.kind !== 'travel') throw conflict('只有出国（境）申请才能登记出境');
    if (request.status !== 'approved' && request.status !== 'filed') {
      throw conflict('该出国（境）申请尚未批准或报备，不能登记出境');
    }
    const on = departedOn ?? (request.departDate as string);
    return this.markAbroad(retiree, by, {
      departedOn: on,
      destination: request.destination ?? '',
      expectedReturnOn: request.returnDate && request.returnDate >= on ? request.returnDate : null,
      note,
      requestId: request.id,
    });
  }

  /** A contact made with a retiree abroad; it moves the due date on but never clears a suspension. */
  async addContact(
    stayId: string,
    by: User,
    input: { at: Date; channel: ContactChannel; note: string },
  ): Promise<AbroadStayDetail> {
    const stay = await this.byId(stayId);
    if (!stay) throw notFound('出境记录');
    if (stay.state !== 'abroad') throw conflict('该军休干部已回国，不再登记境外联系');
    const now = this.now();
    if (input.at.getTime() > now.getTime() + CLOCK_SLACK_MS) throw badRequest('联系时间（at）不能晚于现在');
    if (centreDay(input.at) < stay.departedOn) throw badRequest('联系时间（at）不能早于出境日期');
    await this.db.query(
      `insert into abroad_contacts (id, stay_id, at, channel, by_id, note, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [randomUUID(), stayId, input.at, input.channel, by.id, input.note, now],
    );
    return (await this.byId(stayId)) as AbroadStayDetail;
  }

  /** The retiree is back: the stay closes and the archive status returns to 在册 (active). */
  async returnHome(stayId: string, by: User, returnedOn: string, note: string): Promise<AbroadStayDetail> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ retiree_id: string; departed_on: string; returned_on: string | null }>(
        `select retiree_id, departed_on::text as departed_on, returned_on::text as returned_on
           from abroad_stays where id = $1 for update`,
        [stayId],
      );
      if (!row) throw notFound('出境记录');
      if (row.returned_on) throw conflict('已登记回国');
      if (returnedOn < row.departed_on) throw badRequest('回国日期（returnedOn）不能早于出境日期');
      if (returnedOn > this.today()) throw badRequest('回国日期（returnedOn）不能晚于今天');
      const now = this.now();
      await tx.query(
        `update abroad_stays set returned_on = $2, returned_by = $3, returned_at = $4,
           note = case when $5 = '' then note when note = '' then $5 else note || E'\\n' || $5 end
         where id = $1`,
        [stayId, returnedOn, by.id, now, note],
      );
      await tx.query(
        `update retirees set status = 'active', updated_at = $2 where id = $1 and status = 'abroad'`,
        [row.retiree_id, now],
      );
      return (await this.byId(stayId, tx)) as AbroadStayDetail;
    });
  }

  async suspensions(
    filter: {
      active?: boolean | undefined;
      retireeId?: string | undefined;
    },
    scope: Scope = WHOLE_CENTRE,
  ): Promise<PensionSuspension[]> {
    const where = new Filter()
      .either(filter.active, 'x.cleared_at is null', 'x.cleared_at is not null')
      .when('x.retiree_id = ?', filter.retireeId)
      .inScope(scope, 'x.retiree_id');
    const rows = await this.db.query<SuspensionRow>(
      `${SELECT_SUSPENSION} where ${where.sql} order by x.flagged_at desc`,
      where.params,
    );
    return rows.map(toSuspension);
  }

  /** The decision that clears the flag (who, when, why): the only way it clears (6.4.2.4). */
  async clearSuspension(id: string, by: User, reason: string): Promise<PensionSuspension> {
    const cleared = await this.db.query<{ id: string }>(
      `update pension_suspensions set cleared_at = $2, cleared_by = $3, clear_reason = $4
        where id = $1 and cleared_at is null returning id`,
      [id, this.now(), by.id, reason],
    );
    const [row] = await this.db.query<SuspensionRow>(`${SELECT_SUSPENSION} where x.id = $1`, [id]);
    if (!row) throw notFound('暂停发放标记');
    if (!cleared.length) throw conflict('该暂停发放标记已解除');
    return toSuspension(row);
  }

  /**
   * The check of 6.4.2.4 at `now`: every retiree abroad silent for six calendar months or more gets
   * the "pension suspended" flag and a drafted report, once per silence. Returns the new flags.
   */
  async check(now: Date, centreName: string): Promise<PensionSuspension[]> {
    const today = centreDay(now);
    const rows = await this.db.query<StayRow>(`${SELECT_STAY} where s.returned_on is null`);
    const active = await this.activeSuspensions(rows.map((row) => row.id));
    const flagged: PensionSuspension[] = [];
    for (const row of rows) {
      if (active.has(row.id)) continue;
      const lastContactOn = dateOf(row.last_contact_at);
      const since = silentSince(row.departed_on, lastContactOn, dateOf(row.last_cleared_at));
      if (!shouldSuspend(since, today)) continue;
      const report = draftSuspensionReport({
        centreName,
        retireeName: row.retiree_name,
        rank: row.rank,
        destination: row.destination,
        departedOn: row.departed_on,
        lastContact:
          lastContactOn && row.last_contact_channel
            ? { on: lastContactOn, channel: row.last_contact_channel }
            : null,
        silentSince: since,
        today,
      });
      const id = randomUUID();
      // Two checks at once (the schedule and one on demand) flag a silence once: the partial unique
      // index allows one active flag per stay.
      const inserted = await this.db.query<{ id: string }>(
        `insert into pension_suspensions (id, stay_id, retiree_id, flagged_at, flagged_on, silent_since,
           last_contact_at, months, report)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (stay_id) where cleared_at is null do nothing returning id`,
        [
          id,
          row.id,
          row.retiree_id,
          now,
          today,
          since,
          row.last_contact_at,
          monthsWithoutContact(since, today),
          report,
        ],
      );
      if (!inserted.length) continue;
      const [created] = await this.db.query<SuspensionRow>(`${SELECT_SUSPENSION} where x.id = $1`, [id]);
      if (created) flagged.push(toSuspension(created));
    }
    return flagged;
  }
}
