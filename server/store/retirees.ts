import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { Contact, RetireeInput, RetireeRecord, RetireeUpdate } from '../schemas/retirees.ts';
import { iso, isoDate, isoRequired } from './rows.ts';

interface RetireeRow {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birth_date: Date | string;
  rank: string;
  address: string;
  phone: string;
  blood_type: string;
  medical_history: string;
  hr_low: number | null;
  hr_high: number | null;
  spo2_low: number | null;
  created_at: Date;
}

interface ContactRow {
  id: string;
  retiree_id: string;
  name: string;
  relation: string;
  phone: string;
  email: string | null;
  priority: number;
}

function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    name: row.name,
    relation: row.relation,
    phone: row.phone,
    email: row.email,
    priority: row.priority,
  };
}

function toRetiree(row: RetireeRow, contacts: Contact[]): RetireeRecord {
  return {
    id: row.id,
    name: row.name,
    gender: row.gender,
    birthDate: isoDate(row.birth_date),
    rank: row.rank,
    address: row.address,
    phone: row.phone,
    bloodType: row.blood_type,
    medicalHistory: row.medical_history,
    hrLow: row.hr_low,
    hrHigh: row.hr_high,
    spo2Low: row.spo2_low,
    contacts,
    createdAt: isoRequired(row.created_at),
  };
}

export interface RetireeBrief {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  address: string;
  hrLow: number | null;
  hrHigh: number | null;
  spo2Low: number | null;
  createdAt: string | null;
}

export class RetireeStore {
  constructor(private readonly db: Database) {}

  async create(input: RetireeInput): Promise<RetireeRecord> {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into retirees (id, name, gender, birth_date, rank, address, phone, blood_type, medical_history, hr_low, hr_high, spo2_low)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          id,
          input.name,
          input.gender,
          input.birthDate,
          input.rank ?? '',
          input.address ?? '',
          input.phone ?? '',
          input.bloodType ?? '',
          input.medicalHistory ?? '',
          input.hrLow ?? null,
          input.hrHigh ?? null,
          input.spo2Low ?? null,
        ],
      );
      let priority = 1;
      for (const contact of input.contacts ?? []) {
        await tx.query(
          'insert into contacts (id, retiree_id, name, relation, phone, email, priority) values ($1, $2, $3, $4, $5, $6, $7)',
          [
            randomUUID(),
            id,
            contact.name,
            contact.relation,
            contact.phone,
            contact.email ?? null,
            contact.priority ?? priority,
          ],
        );
        priority += 1;
      }
    });
    const created = await this.byId(id);
    if (!created) throw new Error('retiree vanished after insert');
    return created;
  }

  /** Applies the given fields; false when there is no such retiree. */
  async update(id: string, change: RetireeUpdate, by: string): Promise<boolean> {
    const columns: Record<keyof RetireeUpdate, string> = {
      name: 'name',
      rank: 'rank',
      address: 'address',
      phone: 'phone',
      bloodType: 'blood_type',
      medicalHistory: 'medical_history',
      hrLow: 'hr_low',
      hrHigh: 'hr_high',
      spo2Low: 'spo2_low',
    };
    const sets: string[] = [];
    const params: unknown[] = [id, by];
    for (const [key, column] of Object.entries(columns) as [keyof RetireeUpdate, string][]) {
      if (change[key] === undefined) continue;
      params.push(change[key]);
      sets.push(`${column} = $${params.length}`);
    }
    const rows = await this.db.query(
      `update retirees set ${sets.join(', ')}, updated_at = now(), updated_by = $2 where id = $1 returning id`,
      params,
    );
    return rows.length === 1;
  }

  async byId(id: string): Promise<RetireeRecord | null> {
    const [row] = await this.db.query<RetireeRow>('select * from retirees where id = $1', [id]);
    if (!row) return null;
    const contacts = await this.db.query<ContactRow>(
      'select * from contacts where retiree_id = $1 order by priority, name',
      [id],
    );
    return toRetiree(row, contacts.map(toContact));
  }

  /** Every retiree, or one station's (a caseworker's scope). */
  async list(station: string | null = null): Promise<RetireeBrief[]> {
    // Only the columns the wall shows: decoding whole archive rows of a large centre costs more than the query.
    const rows = await this.db.query<RetireeRow>(
      `select id, name, gender, birth_date, address, hr_low, hr_high, spo2_low, created_at from retirees
        where $1::text is null or station = $1 order by name`,
      [station],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      gender: row.gender,
      birthDate: isoDate(row.birth_date),
      address: row.address,
      hrLow: row.hr_low,
      hrHigh: row.hr_high,
      spo2Low: row.spo2_low,
      createdAt: iso(row.created_at),
    }));
  }
}
