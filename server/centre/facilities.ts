/**
 * The facilities register (5.3.2.4): each activity room, reading room, fitness area, clinic… with
 * where it is, its opening hours, its rules and the member of staff responsible for it, and its
 * log of inspections, maintenance and repairs. A facility is inspected every `inspectEveryDays`
 * days, counted from the last entry of the log (from the day it was registered before the first):
 * one due is on its responsible person's and the managers' work lists. A facility out of use is
 * kept with its log.
 */
import { randomUUID } from 'node:crypto';
import { addDays } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  Facility,
  FacilityChange,
  FacilityInput,
  FacilityInspection,
  FacilityKind,
  FacilityQuery,
  InspectionInput,
} from '../schemas/centre.ts';
import { checkDate, notAfterToday, staffUser } from '../store/checks.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { isUniqueViolation, timed } from '../store/rows.ts';

export const FACILITY_NAMES: Record<FacilityKind, string> = {
  activity_room: '活动室',
  reading_room: '阅览室',
  fitness: '健身场所',
  clinic: '医务室',
  canteen: '食堂',
  garden: '庭院',
  meeting_room: '会议室',
  other: '其他',
};

/** The day of a facility's last log entry (or its registration) and when the next inspection is due. */
export const FACILITY_DUE = `select f.id, f.name, f.responsible_id,
    (coalesce((select max(i.done_on) from facility_inspections i where i.facility_id = f.id), f.since_on)
      + f.inspect_every_days)::text as due_on
  from facilities f where f.retired_at is null`;

const SELECT_FACILITY = `select f.id, f.name, f.kind, f.location, f.opening_hours as "openingHours",
    f.responsible_id as "responsibleId", r.display_name as responsible, f.rules,
    f.inspect_every_days as "inspectEveryDays", f.since_on::text as "sinceOn", f.retired_at as "retiredAt",
    last.done_on::text as "lastInspectedOn", last.result as "lastResult",
    u.display_name as "updatedBy", f.updated_at as "updatedAt"
  from facilities f join users r on r.id = f.responsible_id join users u on u.id = f.updated_by
  left join lateral (select i.done_on, i.result from facility_inspections i where i.facility_id = f.id
    order by i.done_on desc, i.recorded_at desc limit 1) last on true`;

type FacilityRow = Omit<
  Facility,
  'kindName' | 'nextInspectionOn' | 'overdue' | 'inspections' | 'retiredAt' | 'updatedAt'
> & {
  retiredAt: Date | string | null;
  updatedAt: Date | string;
};
type InspectionRow = Omit<FacilityInspection, 'recordedAt'> & { recordedAt: Date | string };

const taken = () => conflict('已有同名设施 (a facility of that name is registered)');

export class Facilities extends RecordKeeper {
  async list(query: FacilityQuery): Promise<Facility[]> {
    const rows = await this.db.query<FacilityRow>(
      `${SELECT_FACILITY} where $1 or f.retired_at is null order by f.retired_at nulls first, f.name`,
      [query.all === true],
    );
    const facilities = await this.hydrate(this.db, rows, 20);
    return query.overdue === undefined ? facilities : facilities.filter((f) => f.overdue === query.overdue);
  }

  async one(id: string, db: Queryable = this.db): Promise<Facility> {
    const rows = await db.query<FacilityRow>(`${SELECT_FACILITY} where f.id = $1`, [
      uuidOr404(id, 'facility'),
    ]);
    if (rows.length === 0) throw notFound('facility');
    return (await this.hydrate(db, rows, 1000))[0] as Facility;
  }

  private async hydrate(db: Queryable, rows: FacilityRow[], perFacility: number): Promise<Facility[]> {
    if (rows.length === 0) return [];
    const today = this.today();
    const log = await db.query<InspectionRow>(
      `select * from (select i.id, i.facility_id as "facilityId", i.kind, i.done_on::text as "doneOn", i.result,
          i.findings, i.action, u.display_name as "recordedBy", i.recorded_at as "recordedAt",
          row_number() over (partition by i.facility_id order by i.done_on desc, i.recorded_at desc) as n
         from facility_inspections i join users u on u.id = i.recorded_by
        where i.facility_id = any($1::uuid[])) log where log.n <= $2`,
      [rows.map((row) => row.id), perFacility],
    );
    return rows.map((row) => {
      const next = addDays(row.lastInspectedOn ?? row.sinceOn, row.inspectEveryDays);
      return {
        ...timed<
          Omit<Facility, 'kindName' | 'nextInspectionOn' | 'overdue' | 'inspections'>,
          'retiredAt' | 'updatedAt'
        >(row, 'retiredAt', 'updatedAt'),
        kindName: FACILITY_NAMES[row.kind],
        nextInspectionOn: next,
        overdue: row.retiredAt === null && next < today,
        inspections: log
          .filter((entry) => entry.facilityId === row.id)
          .map(({ n: _, ...entry }: InspectionRow & { n?: unknown }) =>
            timed<FacilityInspection, 'recordedAt'>(entry, 'recordedAt'),
          ),
      };
    });
  }

  async register(input: FacilityInput, by: string): Promise<Facility> {
    const today = this.today();
    const name = input.name.trim();
    if (!name) throw badRequest('name: 请填写设施名称');
    const sinceOn = notAfterToday(input.sinceOn ?? today, 'sinceOn', today);
    const responsible = await staffUser(this.db, input.responsibleId, 'responsibleId');
    const id = randomUUID();
    await this.db
      .query(
        `insert into facilities (id, name, kind, location, opening_hours, responsible_id, rules, inspect_every_days, since_on,
           updated_by, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          name,
          input.kind,
          input.location?.trim() ?? '',
          input.openingHours?.trim() ?? '',
          responsible,
          input.rules?.trim() ?? '',
          input.inspectEveryDays ?? 30,
          sinceOn,
          by,
          this.clock(),
        ],
      )
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw taken();
        throw error;
      });
    return this.one(id);
  }

  /** The fields given replace the stored ones; `retired` takes it out of use or back. */
  async change(id: string, change: FacilityChange, by: string): Promise<Facility> {
    const current = await this.one(id);
    const name = change.name?.trim();
    if (change.name !== undefined && !name) throw badRequest('name: 请填写设施名称');
    const responsible =
      change.responsibleId === undefined
        ? null
        : await staffUser(this.db, change.responsibleId, 'responsibleId');
    await this.db
      .query(
        `update facilities set name = coalesce($2, name), kind = coalesce($3, kind), location = coalesce($4, location),
           opening_hours = coalesce($5, opening_hours), responsible_id = coalesce($6, responsible_id),
           rules = coalesce($7, rules), inspect_every_days = coalesce($8, inspect_every_days),
           retired_at = case when $9::boolean is null then retired_at when $9 then coalesce(retired_at, $11) end,
           updated_by = $10, updated_at = $11
         where id = $1`,
        [
          current.id,
          name ?? null,
          change.kind ?? null,
          change.location?.trim() ?? null,
          change.openingHours?.trim() ?? null,
          responsible,
          change.rules?.trim() ?? null,
          change.inspectEveryDays ?? null,
          change.retired ?? null,
          by,
          this.clock(),
        ],
      )
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw taken();
        throw error;
      });
    return this.one(current.id);
  }

  /** An inspection, maintenance or repair done (not in the future, not before the facility was registered). */
  async inspect(id: string, input: InspectionInput, by: string): Promise<Facility> {
    const today = this.today();
    const facility = await this.one(id);
    if (facility.retiredAt) throw conflict('该设施已停用 (out of use)');
    const doneOn = notAfterToday(checkDate(input.doneOn ?? today, 'doneOn'), 'doneOn', today);
    if (doneOn < facility.sinceOn) throw badRequest('doneOn: 应不早于设施登记日期 (not before sinceOn)');
    if (input.result === 'issue' && !input.findings?.trim())
      throw badRequest('findings: 发现问题时请写明问题 (describe the issue)');
    await this.db.query(
      `insert into facility_inspections (id, facility_id, kind, done_on, result, findings, action, recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        randomUUID(),
        facility.id,
        input.kind,
        doneOn,
        input.result,
        input.findings?.trim() ?? '',
        input.action?.trim() ?? '',
        by,
        this.clock(),
      ],
    );
    return this.one(facility.id);
  }
}
