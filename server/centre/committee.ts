/**
 * The retirees' management committee (5.1.8 军休干部管理委员会): its members (retirees of the centre
 * or others by name) with their role and term, and its meetings with who attended, the minutes and
 * the decisions taken, each with the member of staff who carries it out and the day due. An open
 * decision is on its owner's work list until it is marked done.
 */
import { randomUUID } from 'node:crypto';
import { mayAccess } from '../access/policy.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type { Role } from '../schemas/auth.ts';
import type {
  CommitteeDecision,
  CommitteeMeeting,
  CommitteeMeetingInput,
  CommitteeMember,
  CommitteeMemberEnd,
  CommitteeMemberInput,
  CommitteeRole,
  DecisionDone,
  MeetingQuery,
} from '../schemas/centre.ts';
import { checkDate, notAfterToday, retireeOr404, staffUser } from '../store/checks.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { childrenBy, timed } from '../store/rows.ts';

export const ROLE_NAMES: Record<CommitteeRole, string> = {
  chair: '主任',
  vice_chair: '副主任',
  secretary: '秘书',
  member: '委员',
};

const SELECT_MEMBER = `select m.id, m.name, m.retiree_id as "retireeId", m.role, m.from_on::text as "fromOn",
    m.to_on::text as "toOn", m.note, u.display_name as "recordedBy", m.recorded_at as "recordedAt"
  from committee_members m join users u on u.id = m.recorded_by`;

const SELECT_MEETING = `select m.id, m.held_on::text as "heldOn", m.place, m.topic, m.attendees, m.minutes,
    u.display_name as "recordedBy", m.recorded_at as "recordedAt"
  from committee_meetings m join users u on u.id = m.recorded_by`;

type MemberRow = Omit<CommitteeMember, 'roleName' | 'current' | 'recordedAt'> & { recordedAt: Date | string };
type MeetingRow = Omit<CommitteeMeeting, 'decisions' | 'recordedAt'> & { recordedAt: Date | string };

export class Committee extends RecordKeeper {
  // ----- members -----

  async members(all: boolean): Promise<CommitteeMember[]> {
    const today = this.today();
    const rows = await this.db.query<MemberRow>(
      `${SELECT_MEMBER} where $1 or m.to_on is null or m.to_on >= $2::date
        order by array_position(array['chair', 'vice_chair', 'secretary', 'member'], m.role), m.from_on, m.name`,
      [all, today],
    );
    return rows.map((row) => this.toMember(row, today));
  }

  async member(id: string): Promise<CommitteeMember> {
    const [row] = await this.db.query<MemberRow>(`${SELECT_MEMBER} where m.id = $1`, [
      uuidOr404(id, 'committee member'),
    ]);
    if (!row) throw notFound('committee member');
    return this.toMember(row, this.today());
  }

  private toMember(row: MemberRow, today: string): CommitteeMember {
    return {
      ...timed<Omit<CommitteeMember, 'roleName' | 'current'>, 'recordedAt'>(row, 'recordedAt'),
      roleName: ROLE_NAMES[row.role],
      current: row.fromOn <= today && (row.toOn === null || row.toOn >= today),
    };
  }

  /** A member: a retiree of the centre (named from the archive) or someone named. */
  async addMember(input: CommitteeMemberInput, by: string): Promise<CommitteeMember> {
    const fromOn = checkDate(input.fromOn, 'fromOn');
    const toOn = input.toOn ? checkDate(input.toOn, 'toOn') : null;
    if (toOn && toOn < fromOn) throw badRequest('toOn: 任期结束应不早于开始 (not before fromOn)');
    const retiree = input.retireeId ? await retireeOr404(this.db, input.retireeId) : null;
    if (retiree) {
      const [serving] = await this.db.query(
        'select 1 from committee_members where retiree_id = $1 and (to_on is null or to_on >= $2::date)',
        [retiree.id, fromOn],
      );
      if (serving) throw conflict(`${retiree.name}已是在任委员 (already a member in office)`);
    }
    const name = input.name?.trim() || retiree?.name;
    if (!name) throw badRequest('name: 请填写委员姓名或选择老人');
    const id = randomUUID();
    await this.db.query(
      `insert into committee_members (id, name, retiree_id, role, from_on, to_on, note, recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, name, retiree?.id ?? null, input.role, fromOn, toOn, input.note?.trim() ?? '', by, this.clock()],
    );
    return this.member(id);
  }

  /** The member's term ends on `toOn`. */
  async endMember(id: string, end: CommitteeMemberEnd): Promise<CommitteeMember> {
    const member = await this.member(id);
    const toOn = checkDate(end.toOn, 'toOn');
    if (toOn < member.fromOn) throw badRequest('toOn: 任期结束应不早于开始 (not before fromOn)');
    if (member.toOn !== null && member.toOn <= toOn)
      throw conflict(`该委员任期已定于 ${member.toOn} 结束，只能提前 (the term already ends by then)`);
    await this.db.query('update committee_members set to_on = $2 where id = $1', [member.id, toOn]);
    return this.member(member.id);
  }

  // ----- meetings and decisions -----

  async meetings(query: MeetingQuery): Promise<CommitteeMeeting[]> {
    const rows = await this.db.query<MeetingRow>(
      `${SELECT_MEETING} where $1::int is null or extract(year from m.held_on) = $1::int
        order by m.held_on desc, m.recorded_at desc limit $2`,
      [query.year ?? null, query.limit ?? 100],
    );
    return this.withDecisions(this.db, rows);
  }

  async meeting(id: string, db: Queryable = this.db): Promise<CommitteeMeeting> {
    const rows = await db.query<MeetingRow>(`${SELECT_MEETING} where m.id = $1`, [
      uuidOr404(id, 'committee meeting'),
    ]);
    if (rows.length === 0) throw notFound('committee meeting');
    return (await this.withDecisions(db, rows))[0] as CommitteeMeeting;
  }

  private async withDecisions(db: Queryable, rows: MeetingRow[]): Promise<CommitteeMeeting[]> {
    if (rows.length === 0) return [];
    const decisions = await db.query<CommitteeDecision>(
      `select d.id, d.meeting_id as "meetingId", d.text, d.owner_id as "ownerId", u.display_name as owner,
          d.due_on::text as "dueOn", d.done_on::text as "doneOn", d.done_note as "doneNote"
         from committee_decisions d left join users u on u.id = d.owner_id
        where d.meeting_id = any($1::uuid[]) order by d.seq`,
      [rows.map((row) => row.id)],
    );
    const of = childrenBy(decisions, 'meetingId');
    return rows.map((row) => ({
      ...timed<Omit<CommitteeMeeting, 'decisions'>, 'recordedAt'>(row, 'recordedAt'),
      decisions: of(row.id).map((decision) => ({ ...decision, meetingId: row.id })),
    }));
  }

  /** A meeting held (not in the future), with its attendees, minutes and decisions. */
  async addMeeting(input: CommitteeMeetingInput, by: string): Promise<CommitteeMeeting> {
    const today = this.today();
    const heldOn = notAfterToday(input.heldOn, 'heldOn', today);
    const attendees = input.attendees.map((name) => name.trim()).filter(Boolean);
    if (attendees.length === 0) throw badRequest('attendees: 请填写出席人员');
    const decisions: { text: string; dueOn: string | null; ownerId: string | null }[] = [];
    for (const [index, decision] of (input.decisions ?? []).entries()) {
      const text = decision.text.trim();
      if (!text) throw badRequest(`decisions/${index}/text: 请填写决定事项`);
      const dueOn = decision.dueOn ? checkDate(decision.dueOn, `decisions/${index}/dueOn`) : null;
      if (dueOn && dueOn < heldOn)
        throw badRequest(`decisions/${index}/dueOn: 应不早于会议日期 (not before heldOn)`);
      const ownerId = decision.ownerId
        ? await staffUser(this.db, decision.ownerId, `decisions/${index}/ownerId`)
        : null;
      decisions.push({ text, dueOn, ownerId });
    }
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into committee_meetings (id, held_on, place, topic, attendees, minutes, recorded_by, recorded_at)
         values ($1, $2, $3, $4, $5::text[], $6, $7, $8)`,
        [
          id,
          heldOn,
          input.place?.trim() ?? '',
          input.topic.trim(),
          attendees,
          input.minutes?.trim() ?? '',
          by,
          this.clock(),
        ],
      );
      for (const [seq, decision] of decisions.entries())
        await tx.query(
          `insert into committee_decisions (id, meeting_id, seq, text, owner_id, due_on) values ($1, $2, $3, $4, $5, $6)`,
          [randomUUID(), id, seq, decision.text, decision.ownerId, decision.dueOn],
        );
    });
    return this.meeting(id);
  }

  /**
   * A decision carried out, marked by its owner or a manager (403 otherwise), on a day not before
   * the meeting; answers its meeting. 409 when already done.
   */
  async decisionDone(
    id: string,
    done: DecisionDone,
    caller: { id: string; role: Role },
  ): Promise<CommitteeMeeting> {
    const today = this.today();
    const doneOn = notAfterToday(done.doneOn ?? today, 'doneOn', today);
    const [row] = await this.db.query<{
      meeting_id: string;
      owner_id: string | null;
      held_on: string;
      done_on: string | null;
    }>(
      `select d.meeting_id, d.owner_id, m.held_on::text as held_on, d.done_on::text as done_on
         from committee_decisions d join committee_meetings m on m.id = d.meeting_id where d.id = $1`,
      [uuidOr404(id, 'committee decision')],
    );
    if (!row) throw notFound('committee decision');
    if (row.owner_id !== caller.id && !mayAccess('centre.manage', caller.role))
      throw forbidden('只有承办人或管理人员可以标记落实 (its owner or a manager)');
    if (row.done_on) throw conflict('该决定事项已落实 (already done)');
    if (doneOn < row.held_on)
      throw badRequest(`doneOn: 应不早于会议日期 ${row.held_on} (not before the meeting)`);
    await this.db.query('update committee_decisions set done_on = $2, done_note = $3 where id = $1', [
      id,
      doneOn,
      done.note?.trim() ?? '',
    ]);
    return this.meeting(row.meeting_id);
  }
}
