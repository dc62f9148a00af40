/**
 * The archive's records over the `retirees` table (6.11.1 a): the list with search, filters, sort
 * and paging, the full record, changes with their history and bulk creation for the import. Who
 * read what is the access log's (./access-log.ts, 6.1.2.8).
 */
import { randomUUID } from 'node:crypto';
import { centreDay } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { iso, isoDate, isoRequired, isUniqueViolation } from '../store/rows.ts';
import {
  type ArchiveField,
  type ArchiveFields,
  ageOn,
  FIELD_NAMES,
  FIELDS,
  type FieldError,
  historyText,
  latestBirthForAge,
  normaliseValue,
  validateFields,
} from './fields.ts';

export class FieldErrors extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((error) => error.message).join('；'));
    this.name = 'FieldErrors';
  }
}

export interface ListFilter {
  q?: string | undefined;
  centre?: string | undefined;
  station?: string | undefined;
  status?: string | undefined;
  rank?: string | undefined;
  livingSituation?: string | undefined;
  bedridden?: boolean | undefined;
  ageMin?: number | undefined;
  ageMax?: number | undefined;
}

export type SortKey = 'name' | 'birthDate' | 'createdAt' | 'station';

export interface ListItem {
  id: string;
  name: string;
  gender: string;
  birthDate: string;
  age: number;
  idCard: string | null;
  rank: string;
  centre: string;
  station: string;
  phone: string;
  livingSituation: string;
  bedridden: boolean;
  status: string;
  updatedAt: string | null;
}

export interface FamilyMember {
  id: string;
  name: string;
  relation: string;
  phone: string;
  email: string | null;
  priority: number;
  livesWith: boolean;
}

export type ArchiveRecord = ArchiveFields & {
  id: string;
  age: number;
  family: FamilyMember[];
  createdAt: string;
  updatedAt: string | null;
};

export interface HistoryEntry {
  id: number;
  changedAt: string;
  changedBy: string | null;
  changedByName: string | null;
  source: string;
  field: string;
  label: string;
  oldValue: string | null;
  newValue: string | null;
}

type Row = Record<string, unknown>;

const columns = FIELD_NAMES.map((field) => FIELDS[field].column);
const SELECT = `select id, ${columns.join(', ')}, created_at, updated_at from retirees`;

/** An ID-card number shown in lists: the region and the last four, the birth date hidden. */
export function maskIdCard(id: string | null): string | null {
  if (!id) return null;
  return `${id.slice(0, 4)}${'*'.repeat(Math.max(0, id.length - 8))}${id.slice(-4)}`;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function fieldsOf(row: Row): ArchiveFields {
  const out: Record<string, unknown> = {};
  for (const field of FIELD_NAMES) {
    const value = row[FIELDS[field].column];
    out[field] = field === 'birthDate' ? isoDate(value as Date | string) : value;
  }
  return out as unknown as ArchiveFields;
}

export class ArchiveStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  today(): string {
    return centreDay(this.now());
  }

  private where(filter: ListFilter): { sql: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const q = filter.q?.trim();
    if (q) {
      const like = param(likePattern(q));
      const upper = param(likePattern(q.toUpperCase()));
      const digits = q.replace(/[\s-]/g, '');
      const phone = param(likePattern(digits || q));
      clauses.push(`(name ilike ${like} or id_card like ${upper} or replace(phone, '-', '') like ${phone})`);
    }
    for (const [key, column] of [
      ['centre', 'centre'],
      ['station', 'station'],
      ['status', 'status'],
      ['rank', 'rank'],
      ['livingSituation', 'living_situation'],
    ] as const) {
      const value = filter[key];
      if (value !== undefined && value !== '') clauses.push(`${column} = ${param(value)}`);
    }
    if (filter.bedridden !== undefined) clauses.push(`bedridden = ${param(filter.bedridden)}`);
    const today = this.today();
    if (filter.ageMin !== undefined) {
      clauses.push(`birth_date <= ${param(latestBirthForAge(filter.ageMin, today))}::date`);
    }
    if (filter.ageMax !== undefined) {
      clauses.push(`birth_date > ${param(latestBirthForAge(filter.ageMax + 1, today))}::date`);
    }
    return { sql: clauses.length ? `where ${clauses.join(' and ')}` : '', params };
  }

  async list(
    filter: ListFilter,
    sort: SortKey,
    order: 'asc' | 'desc',
    limit: number,
    offset: number,
  ): Promise<{ total: number; items: ListItem[] }> {
    const { sql, params } = this.where(filter);
    const dir = order === 'desc' ? 'desc' : 'asc';
    const orderBy = {
      name: `name ${dir}, id ${dir}`,
      birthDate: `birth_date ${dir}, id ${dir}`,
      createdAt: `created_at ${dir}, id ${dir}`,
      station: `station ${dir}, name ${dir}, id ${dir}`,
    }[sort];
    const [count] = await this.db.query<{ total: number }>(
      `select count(*)::int as total from retirees ${sql}`,
      params,
    );
    const rows = await this.db.query<Row>(
      `${SELECT} ${sql} order by ${orderBy} limit ${Number(limit)} offset ${Number(offset)}`,
      params,
    );
    const today = this.today();
    return { total: count?.total ?? 0, items: rows.map((row) => this.toListItem(row, today)) };
  }

  /** Every match of the filter in list order, for the export (at most `max`). */
  async all(filter: ListFilter, sort: SortKey, order: 'asc' | 'desc', max: number): Promise<ArchiveRecord[]> {
    const { items } = await this.list(filter, sort, order, max, 0);
    if (!items.length) return [];
    const rows = await this.db.query<Row>(`${SELECT} where id = any($1::uuid[])`, [
      items.map((item) => item.id),
    ]);
    const byId = new Map(rows.map((row) => [row.id as string, row]));
    const today = this.today();
    return items.map((item) => this.toRecord(byId.get(item.id) as Row, [], today));
  }

  private toListItem(row: Row, today: string): ListItem {
    const fields = fieldsOf(row);
    return {
      id: row.id as string,
      name: fields.name,
      gender: fields.gender,
      birthDate: fields.birthDate,
      age: ageOn(fields.birthDate, today),
      idCard: maskIdCard(fields.idCard),
      rank: fields.rank,
      centre: fields.centre,
      station: fields.station,
      phone: fields.phone,
      livingSituation: fields.livingSituation,
      bedridden: fields.bedridden,
      status: fields.status,
      updatedAt: iso(row.updated_at as Date | null),
    };
  }

  private toRecord(row: Row, family: FamilyMember[], today: string): ArchiveRecord {
    const fields = fieldsOf(row);
    return {
      id: row.id as string,
      ...fields,
      age: ageOn(fields.birthDate, today),
      family,
      createdAt: isoRequired(row.created_at as Date),
      updatedAt: iso(row.updated_at as Date | null),
    };
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.query('select 1 from retirees where id = $1', [id])).length > 0;
  }

  async byId(id: string, db: Queryable = this.db): Promise<ArchiveRecord | null> {
    const [row] = await db.query<Row>(`${SELECT} where id = $1`, [id]);
    if (!row) return null;
    const family = await db.query<Row>(
      'select id, name, relation, phone, email, priority, lives_with from contacts where retiree_id = $1 order by priority, name',
      [id],
    );
    return this.toRecord(
      row,
      family.map((member) => ({
        id: member.id as string,
        name: member.name as string,
        relation: member.relation as string,
        phone: member.phone as string,
        email: (member.email as string | null) ?? null,
        priority: member.priority as number,
        livesWith: member.lives_with as boolean,
      })),
      this.today(),
    );
  }

  /**
   * Applies the given fields in one transaction, writing a history row for each field whose value
   * changed. Throws FieldErrors (nothing changed) when any value is wrong; null when no such record.
   */
  async update(
    id: string,
    given: Partial<Record<ArchiveField, unknown>>,
    userId: string,
    /** Runs in the same transaction when fields changed (e.g. the focus visit follows 孤老/卧床). */
    afterUpdate?: (tx: Queryable, changed: ArchiveField[]) => Promise<void>,
  ): Promise<ArchiveRecord | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<Row>(`${SELECT} where id = $1 for update`, [id]);
      if (!row) return null;
      const current = fieldsOf(row);
      const merged = { ...current } as Record<string, unknown>;
      for (const field of FIELD_NAMES) {
        if (field in given) merged[field] = normaliseValue(field, given[field]);
      }
      const errors = validateFields(given, merged as unknown as ArchiveFields, this.today());
      if (errors.length) throw new FieldErrors(errors);
      const changed = FIELD_NAMES.filter(
        (field) => field in given && historyText(merged[field]) !== historyText(current[field]),
      );
      if (changed.includes('idCard') && merged.idCard) {
        await this.ensureIdCardFree(tx, merged.idCard as string, id);
      }
      if (changed.length) {
        const sets = changed.map((field, index) => `${FIELDS[field].column} = $${index + 2}`);
        await tx
          .query(
            `update retirees set ${sets.join(', ')}, updated_at = now(), updated_by = $${changed.length + 2} where id = $1`,
            [id, ...changed.map((field) => merged[field]), userId],
          )
          .catch((error: unknown) => {
            if (isUniqueViolation(error)) {
              throw new FieldErrors([{ field: 'idCard', message: '身份证号已登记在另一位老人的档案中' }]);
            }
            throw error;
          });
        await this.writeHistory(
          tx,
          id,
          userId,
          'edit',
          changed.map((field) => ({
            field,
            oldValue: historyText(current[field]),
            newValue: historyText(merged[field]),
          })),
        );
        await afterUpdate?.(tx, changed);
      }
      return this.byId(id, tx);
    });
  }

  async ensureIdCardFree(db: Queryable, idCard: string, exceptId: string | null): Promise<void> {
    const [other] = await db.query(
      'select id from retirees where id_card = $1 and ($2::uuid is null or id <> $2::uuid)',
      [idCard, exceptId],
    );
    if (other) throw new FieldErrors([{ field: 'idCard', message: '身份证号已登记在另一位老人的档案中' }]);
  }

  /** Which of these ID-card numbers are already on record. */
  async idCardsTaken(idCards: string[]): Promise<Set<string>> {
    if (!idCards.length) return new Set();
    const rows = await this.db.query<{ id_card: string }>(
      'select id_card from retirees where id_card = any($1::text[])',
      [idCards],
    );
    return new Set(rows.map((row) => row.id_card));
  }

  async writeHistory(
    db: Queryable,
    retireeId: string,
    userId: string,
    source: 'edit' | 'import' | 'attachment',
    changes: { field: string; oldValue: string | null; newValue: string | null }[],
  ): Promise<void> {
    if (!changes.length) return;
    const values: string[] = [];
    const params: unknown[] = [retireeId, userId, source];
    for (const change of changes) {
      params.push(change.field, change.oldValue, change.newValue);
      const n = params.length;
      values.push(`($1, $2, $3, $${n - 2}, $${n - 1}, $${n})`);
    }
    await db.query(
      `insert into archive_changes (retiree_id, changed_by, source, field, old_value, new_value) values ${values.join(', ')}`,
      params,
    );
  }

  async history(retireeId: string, limit: number, offset: number): Promise<HistoryEntry[]> {
    const rows = await this.db.query<Row>(
      `select c.id, c.changed_at, c.changed_by, u.display_name, c.source, c.field, c.old_value, c.new_value
         from archive_changes c left join users u on u.id = c.changed_by
        where c.retiree_id = $1 order by c.id desc limit $2 offset $3`,
      [retireeId, limit, offset],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      changedAt: isoRequired(row.changed_at as Date),
      changedBy: (row.changed_by as string | null) ?? null,
      changedByName: (row.display_name as string | null) ?? null,
      source: row.source as string,
      field: row.field as string,
      label: labelOf(row.field as string),
      oldValue: (row.old_value as string | null) ?? null,
      newValue: (row.new_value as string | null) ?? null,
    }));
  }

  /** Creates one record from the given fields (the rest take their defaults); FieldErrors when wrong. */
  async create(given: Partial<Record<ArchiveField, unknown>>, userId: string): Promise<ArchiveRecord> {
    const defaults: Record<string, unknown> = {};
    for (const field of FIELD_NAMES) {
      const kind = FIELDS[field].kind;
      defaults[field] =
        kind === 'boolean' ? false : field === 'idCard' ? null : field === 'status' ? 'active' : '';
    }
    const full = { ...defaults, ...given };
    const record = Object.fromEntries(
      FIELD_NAMES.map((field) => [field, normaliseValue(field, full[field])]),
    ) as unknown as ArchiveFields;
    const errors = validateFields(full, record, this.today());
    if (errors.length) throw new FieldErrors(errors);
    if (record.idCard) await this.ensureIdCardFree(this.db, record.idCard, null);
    const [id] = await this.createMany([record], userId, 'edit').catch((error: unknown) => {
      if (isUniqueViolation(error)) {
        throw new FieldErrors([{ field: 'idCard', message: '身份证号已登记在另一位老人的档案中' }]);
      }
      throw error;
    });
    const created = id ? await this.byId(id) : null;
    if (!created) throw new Error('record vanished after insert');
    return created;
  }

  /** Creates the retirees of an import, all in one transaction (the caller validated them). */
  async createMany(
    records: ArchiveFields[],
    userId: string,
    source: 'edit' | 'import' = 'import',
    /** Runs in the same transaction after each record is inserted. */
    afterInsert?: (tx: Queryable, id: string, record: ArchiveFields) => Promise<void>,
  ): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const record of records) {
        const id = randomUUID();
        const values = FIELD_NAMES.map((field) => record[field]);
        await tx.query(
          `insert into retirees (id, ${columns.join(', ')}, updated_by) values ($1, ${FIELD_NAMES.map((_, index) => `$${index + 2}`).join(', ')}, $${FIELD_NAMES.length + 2})`,
          [id, ...values, userId],
        );
        await this.writeHistory(
          tx,
          id,
          userId,
          source,
          // A new record: the fields given a value, not those left at their defaults.
          FIELD_NAMES.filter((field) => ![null, '', false].includes(record[field] as never)).map((field) => ({
            field,
            oldValue: null,
            newValue: historyText(record[field]),
          })),
        );
        await afterInsert?.(tx, id, record);
        ids.push(id);
      }
      return ids;
    });
  }

  async addFamilyMember(
    retireeId: string,
    member: { name: string; relation: string; phone: string; livesWith: boolean },
    userId: string,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [next] = await tx.query<{ priority: number }>(
        'select coalesce(max(priority), 0)::int + 1 as priority from contacts where retiree_id = $1',
        [retireeId],
      );
      await tx.query(
        'insert into contacts (id, retiree_id, name, relation, phone, priority, lives_with) values ($1, $2, $3, $4, $5, $6, $7)',
        [
          randomUUID(),
          retireeId,
          member.name,
          member.relation,
          member.phone,
          next?.priority ?? 1,
          member.livesWith,
        ],
      );
      await this.writeHistory(tx, retireeId, userId, 'edit', [
        {
          field: 'family',
          oldValue: null,
          newValue: `${member.relation} ${member.name} ${member.phone}${member.livesWith ? '（同住）' : ''}`,
        },
      ]);
    });
  }
}

export function labelOf(field: string): string {
  if (field in FIELDS) return FIELDS[field as ArchiveField].label;
  return { family: '家庭成员', attachment: '附件', attachmentWithdrawn: '附件撤回' }[field] ?? field;
}
