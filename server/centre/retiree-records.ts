/**
 * A retiree's honours (6.2.2.2: medals and commemorative medals, 光荣之家 plaques, titles,
 * commendations) and the publications, speeches, teaching and re-employment the centre manages
 * (6.4.2.6), each with the day it was filed with the centre. Both are read with the archive and
 * kept to the caller's station.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  Engagement,
  EngagementInput,
  EngagementKind,
  EngagementQuery,
  Honour,
  HonourInput,
  HonourKind,
  HonourQuery,
} from '../schemas/centre.ts';
import { checkDate, notAfterToday, retireeOr404 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { timed } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';

export const HONOUR_NAMES: Record<HonourKind, string> = {
  medal: '勋章、纪念章',
  plaque: '光荣牌匾',
  title: '荣誉称号',
  commendation: '表彰奖励',
  other: '其他',
};

export const ENGAGEMENT_NAMES: Record<EngagementKind, string> = {
  publication: '出版著作、发表文章',
  speech: '讲座报告',
  teaching: '授课',
  re_employment: '返聘、再就业',
};

const SELECT_HONOUR = `select h.id, h.retiree_id as "retireeId", r.name as "retireeName", h.kind, h.name,
    h.awarded_on::text as "awardedOn", h.awarded_by as "awardedBy", h.note, u.display_name as "recordedBy",
    h.recorded_at as "recordedAt"
  from honours h join retirees r on r.id = h.retiree_id join users u on u.id = h.recorded_by`;

const SELECT_ENGAGEMENT = `select e.id, e.retiree_id as "retireeId", r.name as "retireeName", e.kind, e.title,
    e.organisation, e.from_on::text as "fromOn", e.to_on::text as "toOn", e.filed_on::text as "filedOn", e.note,
    u.display_name as "recordedBy", e.recorded_at as "recordedAt"
  from retiree_engagements e join retirees r on r.id = e.retiree_id join users u on u.id = e.recorded_by`;

type HonourRow = Omit<Honour, 'kindName' | 'recordedAt'> & { recordedAt: Date | string };
type EngagementRow = Omit<Engagement, 'kindName' | 'recordedAt'> & { recordedAt: Date | string };

const toHonour = (row: HonourRow): Honour => ({
  ...timed<Omit<Honour, 'kindName'>, 'recordedAt'>(row, 'recordedAt'),
  kindName: HONOUR_NAMES[row.kind],
});
const toEngagement = (row: EngagementRow): Engagement => ({
  ...timed<Omit<Engagement, 'kindName'>, 'recordedAt'>(row, 'recordedAt'),
  kindName: ENGAGEMENT_NAMES[row.kind],
});

export class RetireeRecords extends RecordKeeper {
  async honours(query: HonourQuery, scope: Scope = WHOLE_CENTRE): Promise<Honour[]> {
    const filter = new Filter()
      .inScope(scope, 'h.retiree_id')
      .id('h.retiree_id', query.retireeId, 'retiree')
      .when('h.kind = ?', query.kind);
    const rows = await this.db.query<HonourRow>(
      `${SELECT_HONOUR} where ${filter.sql} order by r.name, h.retiree_id, h.awarded_on desc nulls last
        limit ${filter.param(query.limit ?? 500)}`,
      filter.params,
    );
    return rows.map(toHonour);
  }

  async honour(id: string): Promise<Honour> {
    const [row] = await this.db.query<HonourRow>(`${SELECT_HONOUR} where h.id = $1`, [
      uuidOr404(id, 'honour'),
    ]);
    if (!row) throw notFound('honour');
    return toHonour(row);
  }

  async addHonour(input: HonourInput, by: string): Promise<Honour> {
    const retiree = await retireeOr404(this.db, input.retireeId);
    const name = input.name.trim();
    if (!name) throw badRequest('name: 请填写荣誉名称');
    const awardedOn = input.awardedOn ? notAfterToday(input.awardedOn, 'awardedOn', this.today()) : null;
    const id = randomUUID();
    await this.db.query(
      `insert into honours (id, retiree_id, kind, name, awarded_on, awarded_by, note, recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        retiree.id,
        input.kind,
        name,
        awardedOn,
        input.awardedBy?.trim() ?? '',
        input.note?.trim() ?? '',
        by,
        this.clock(),
      ],
    );
    return this.honour(id);
  }

  async removeHonour(id: string): Promise<void> {
    const rows = await this.db.query('delete from honours where id = $1 returning id', [
      uuidOr404(id, 'honour'),
    ]);
    if (rows.length === 0) throw notFound('honour');
  }

  async engagements(query: EngagementQuery, scope: Scope = WHOLE_CENTRE): Promise<Engagement[]> {
    const filter = new Filter()
      .inScope(scope, 'e.retiree_id')
      .id('e.retiree_id', query.retireeId, 'retiree')
      .when('e.kind = ?', query.kind);
    if (query.current !== undefined) {
      const today = filter.param(this.today());
      const current = `(e.to_on is null or e.to_on >= ${today}::date)`;
      filter.where(query.current ? current : `not ${current}`);
    }
    const rows = await this.db.query<EngagementRow>(
      `${SELECT_ENGAGEMENT} where ${filter.sql} order by e.from_on desc, r.name limit ${filter.param(query.limit ?? 500)}`,
      filter.params,
    );
    return rows.map(toEngagement);
  }

  async engagement(id: string): Promise<Engagement> {
    const [row] = await this.db.query<EngagementRow>(`${SELECT_ENGAGEMENT} where e.id = $1`, [
      uuidOr404(id, 'engagement'),
    ]);
    if (!row) throw notFound('engagement');
    return toEngagement(row);
  }

  async addEngagement(input: EngagementInput, by: string): Promise<Engagement> {
    const today = this.today();
    const retiree = await retireeOr404(this.db, input.retireeId);
    const title = input.title.trim();
    if (!title) throw badRequest('title: 请填写名称或岗位');
    const fromOn = checkDate(input.fromOn, 'fromOn');
    const toOn = input.toOn ? checkDate(input.toOn, 'toOn') : null;
    if (toOn && toOn < fromOn) throw badRequest('toOn: 结束日期应不早于开始日期 (not before fromOn)');
    const filedOn = notAfterToday(input.filedOn ?? today, 'filedOn', today);
    const id = randomUUID();
    await this.db.query(
      `insert into retiree_engagements (id, retiree_id, kind, title, organisation, from_on, to_on, filed_on, note,
         recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        retiree.id,
        input.kind,
        title,
        input.organisation?.trim() ?? '',
        fromOn,
        toOn,
        filedOn,
        input.note?.trim() ?? '',
        by,
        this.clock(),
      ],
    );
    return this.engagement(id);
  }

  async removeEngagement(id: string): Promise<void> {
    const rows = await this.db.query('delete from retiree_engagements where id = $1 returning id', [
      uuidOr404(id, 'engagement'),
    ]);
    if (rows.length === 0) throw notFound('engagement');
  }
}
