/**
 * Interest groups (6.6.2.3: 书画、舞蹈、歌咏、太极拳等各种文体组织和兴趣小组): each with its leader, where
 * and when it meets, and its members, who join and leave on a date (membership is kept, not deleted).
 */

import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  ActivityGroup,
  ActivityGroupInput,
  GroupKind,
  GroupLeaveInput,
  GroupMemberInput,
} from '../schemas/activities.ts';
import { checkDate, retireeOr404 } from '../store/checks.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { childrenBy, isoRequired, isUniqueViolation } from '../store/rows.ts';
import { assertInScope, inScope, type Scope } from '../store/scope.ts';
import { GROUP_KIND_NAMES } from './names.ts';

interface GroupRow {
  id: string;
  name: string;
  kind: GroupKind;
  leader_id: string | null;
  leader_name: string | null;
  meets: string;
  place: string;
  notes: string;
  member_count: number | string;
  created_at: Date | string;
}

/** A member as selected under the API's names, with the group it belongs to. */
type MemberRow = ActivityGroup['members'][number] & { groupId: string };

const selectGroup = `select g.id, g.name, g.kind, g.leader_id, r.name as leader_name, g.meets, g.place, g.notes,
    g.created_at,
    (select count(*) from activity_group_members m where m.group_id = g.id and m.left_on is null) as member_count
  from activity_groups g left join retirees r on r.id = g.leader_id`;

export class ActivityGroups extends RecordKeeper {
  private async toGroups(db: Queryable, rows: GroupRow[], scope: Scope): Promise<ActivityGroup[]> {
    if (rows.length === 0) return [];
    const params: unknown[] = [rows.map((row) => row.id)];
    const members = await db.query<MemberRow>(
      `select m.group_id as "groupId", m.retiree_id as "retireeId", r.name as "retireeName",
              m.joined_on::text as "joinedOn", m.left_on::text as "leftOn", m.left_on is null as current
         from activity_group_members m join retirees r on r.id = m.retiree_id
        where m.group_id = any($1::uuid[]) and ${inScope(scope, 'm.retiree_id', params)}
        order by m.left_on nulls first, m.joined_on, r.name, m.retiree_id`,
      params,
    );
    const membersOf = childrenBy(members, 'groupId');
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      kind: row.kind,
      kindName: GROUP_KIND_NAMES[row.kind],
      leaderId: row.leader_id,
      leaderName: row.leader_name,
      meets: row.meets,
      place: row.place,
      notes: row.notes,
      memberCount: Number(row.member_count),
      members: membersOf(row.id),
      createdAt: isoRequired(row.created_at),
    }));
  }

  async list(scope: Scope): Promise<ActivityGroup[]> {
    const rows = await this.db.query<GroupRow>(`${selectGroup} order by g.kind, g.name`);
    return this.toGroups(this.db, rows, scope);
  }

  async byId(id: string, scope: Scope, db: Queryable = this.db): Promise<ActivityGroup> {
    const rows = await db.query<GroupRow>(`${selectGroup} where g.id = $1`, [uuidOr404(id, 'group')]);
    if (rows.length === 0) throw notFound('group');
    const [group] = await this.toGroups(db, rows, scope);
    return group as ActivityGroup;
  }

  /** A new group; its leader, when named, is a living retiree in scope and joins as its first member. */
  async create(input: ActivityGroupInput, userId: string, scope: Scope): Promise<ActivityGroup> {
    return this.db.transaction(async (db) => {
      let leaderId: string | null = null;
      if (input.leaderId) {
        const leader = await retireeOr404(db, input.leaderId);
        await assertInScope(db, scope, leader.id);
        if (leader.status === 'deceased') throw conflict(`${leader.name}已故，不能担任组长`);
        leaderId = leader.id;
      }
      const id = randomUUID();
      try {
        await db.query(
          `insert into activity_groups (id, name, kind, leader_id, meets, place, notes, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            id,
            input.name.trim(),
            input.kind,
            leaderId,
            (input.meets ?? '').trim(),
            (input.place ?? '').trim(),
            (input.notes ?? '').trim(),
            userId,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`已有名为“${input.name.trim()}”的兴趣小组`);
        throw error;
      }
      if (leaderId) {
        await db.query(
          'insert into activity_group_members (group_id, retiree_id, joined_on, added_by) values ($1, $2, $3, $4)',
          [id, leaderId, this.today(), userId],
        );
      }
      return this.byId(id, scope, db);
    });
  }

  /** A retiree joins (again); 409 for a current member or a retiree who has died. */
  async addMember(
    groupId: string,
    input: GroupMemberInput,
    userId: string,
    scope: Scope,
  ): Promise<ActivityGroup> {
    const joinedOn = input.joinedOn ? checkDate(input.joinedOn, 'joinedOn') : this.today();
    if (joinedOn > this.today()) throw badRequest('joinedOn: 入组日期不能晚于今天');
    return this.db.transaction(async (db) => {
      const group = await this.byId(groupId, scope, db);
      const retiree = await retireeOr404(db, input.retireeId);
      await assertInScope(db, scope, retiree.id);
      if (retiree.status === 'deceased') throw conflict(`${retiree.name}已故，不能加入兴趣小组`);
      const [existing] = await db.query<{ left_on: string | null }>(
        'select left_on::text as left_on from activity_group_members where group_id = $1 and retiree_id = $2',
        [group.id, retiree.id],
      );
      if (existing && existing.left_on === null) throw conflict(`${retiree.name}已是该小组成员`);
      if (existing) {
        await db.query(
          `update activity_group_members set joined_on = $3, left_on = null, added_by = $4
            where group_id = $1 and retiree_id = $2`,
          [group.id, retiree.id, joinedOn, userId],
        );
      } else {
        await db.query(
          'insert into activity_group_members (group_id, retiree_id, joined_on, added_by) values ($1, $2, $3, $4)',
          [group.id, retiree.id, joinedOn, userId],
        );
      }
      return this.byId(group.id, scope, db);
    });
  }

  async removeMember(
    groupId: string,
    retireeId: string,
    input: GroupLeaveInput,
    scope: Scope,
  ): Promise<ActivityGroup> {
    const leftOn = checkDate(input.leftOn, 'leftOn');
    if (leftOn > this.today()) throw badRequest('leftOn: 退出日期不能晚于今天');
    return this.db.transaction(async (db) => {
      const group = await this.byId(groupId, scope, db);
      const retiree = uuidOr404(retireeId, 'retiree');
      await assertInScope(db, scope, retiree);
      const [member] = await db.query<{ joined_on: string }>(
        `select joined_on::text as joined_on from activity_group_members
          where group_id = $1 and retiree_id = $2 and left_on is null`,
        [group.id, retiree],
      );
      if (!member) throw notFound('member');
      if (leftOn < member.joined_on) throw badRequest('leftOn: 退出日期不能早于入组日期');
      await db.query(
        'update activity_group_members set left_on = $3 where group_id = $1 and retiree_id = $2',
        [group.id, retiree, leftOn],
      );
      if (group.leaderId === retiree) {
        await db.query('update activity_groups set leader_id = null where id = $1', [group.id]);
      }
      return this.byId(group.id, scope, db);
    });
  }
}
