/**
 * The centre's register of service providers (6.12): who serves which kinds of request (a
 * housekeeping company, a legal-aid office, the community clinic, volunteers), its contact and the
 * dates of its contract, with the requests it was given and how retirees rated them. A provider
 * taken off the register is kept with its requests; a new request cannot be given to it.
 */
import { randomUUID } from 'node:crypto';
import { centreDay } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  ServiceCategory,
  ServiceProvider,
  ServiceProviderChange,
  ServiceProviderInput,
  ServiceProviderQuery,
} from '../schemas/requests.ts';
import { checkDate } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { isoRequired, isUniqueViolation } from '../store/rows.ts';

interface ProviderRow {
  id: string;
  name: string;
  services: ServiceCategory[];
  contact_person: string;
  phone: string;
  address: string;
  contract_from: string | null;
  contract_to: string | null;
  notes: string;
  retired_at: Date | null;
  updated_by_name: string;
  updated_at: Date;
  requests: number;
  done: number;
  ratings: number;
  average: string | number | null;
}

const SELECT_PROVIDER = `select p.id, p.name, p.services, p.contact_person, p.phone, p.address,
    p.contract_from::text as contract_from, p.contract_to::text as contract_to, p.notes, p.retired_at,
    u.display_name as updated_by_name, p.updated_at,
    (select count(*)::int from service_requests q where q.provider_id = p.id) as requests,
    (select count(*)::int from service_requests q where q.provider_id = p.id and q.status = 'done') as done,
    (select count(q.rating)::int from service_requests q where q.provider_id = p.id) as ratings,
    (select round(avg(q.rating), 2) from service_requests q where q.provider_id = p.id) as average
  from service_providers p join users u on u.id = p.updated_by`;

function checkContract(from: string | null, to: string | null): void {
  if (from && to && to < from)
    throw badRequest('contractTo: 合同截止日期应不早于开始日期 (not before contractFrom)');
}

const taken = () => conflict('服务商名录中已有同名服务商 (a provider of that name is on the register)');

export class ServiceProviders {
  constructor(
    private readonly db: Queryable,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(query: ServiceProviderQuery): Promise<ServiceProvider[]> {
    const filter = new Filter()
      .when('? = any(p.services)', query.service)
      .where(query.all !== true && 'p.retired_at is null');
    const rows = await this.db.query<ProviderRow>(
      `${SELECT_PROVIDER} where ${filter.sql} order by p.retired_at nulls first, p.name, p.id`,
      filter.params,
    );
    return rows.map((row) => this.toProvider(row));
  }

  async one(id: string): Promise<ServiceProvider> {
    const [row] = await this.db.query<ProviderRow>(`${SELECT_PROVIDER} where p.id = $1`, [
      uuidOr404(id, 'service provider'),
    ]);
    if (!row) throw notFound('service provider');
    return this.toProvider(row);
  }

  async create(input: ServiceProviderInput, by: string): Promise<ServiceProvider> {
    const name = input.name.trim();
    if (!name) throw badRequest('name: 请填写服务商名称');
    const from = input.contractFrom ? checkDate(input.contractFrom, 'contractFrom') : null;
    const to = input.contractTo ? checkDate(input.contractTo, 'contractTo') : null;
    checkContract(from, to);
    const id = randomUUID();
    await this.db
      .query(
        `insert into service_providers (id, name, services, contact_person, phone, address, contract_from, contract_to,
           notes, updated_by, updated_at)
         values ($1, $2, $3::text[], $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          name,
          input.services,
          input.contactPerson?.trim() ?? '',
          input.phone?.trim() ?? '',
          input.address?.trim() ?? '',
          from,
          to,
          input.notes?.trim() ?? '',
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

  /** The fields given replace the stored ones; `retired` takes it off the register or puts it back. */
  async change(id: string, change: ServiceProviderChange, by: string): Promise<ServiceProvider> {
    const current = await this.one(id);
    const from =
      change.contractFrom === undefined
        ? current.contractFrom
        : change.contractFrom && checkDate(change.contractFrom, 'contractFrom');
    const to =
      change.contractTo === undefined
        ? current.contractTo
        : change.contractTo && checkDate(change.contractTo, 'contractTo');
    checkContract(from, to);
    const name = change.name?.trim();
    if (change.name !== undefined && !name) throw badRequest('name: 请填写服务商名称');
    await this.db
      .query(
        `update service_providers set name = coalesce($2, name), services = coalesce($3::text[], services),
           contact_person = coalesce($4, contact_person), phone = coalesce($5, phone), address = coalesce($6, address),
           contract_from = $7, contract_to = $8, notes = coalesce($9, notes),
           retired_at = case when $10::boolean is null then retired_at when $10 then coalesce(retired_at, $12) end,
           updated_by = $11, updated_at = $12
         where id = $1`,
        [
          current.id,
          name ?? null,
          change.services ?? null,
          change.contactPerson?.trim() ?? null,
          change.phone?.trim() ?? null,
          change.address?.trim() ?? null,
          from,
          to,
          change.notes?.trim() ?? null,
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

  private toProvider(row: ProviderRow): ServiceProvider {
    const today = centreDay(this.clock());
    return {
      id: row.id,
      name: row.name,
      services: row.services,
      contactPerson: row.contact_person,
      phone: row.phone,
      address: row.address,
      contractFrom: row.contract_from,
      contractTo: row.contract_to,
      inContract:
        row.retired_at === null &&
        (row.contract_from ?? today) <= today &&
        today <= (row.contract_to ?? today),
      notes: row.notes,
      retiredAt: row.retired_at ? isoRequired(row.retired_at) : null,
      requests: row.requests,
      done: row.done,
      ratings: row.ratings,
      averageRating: row.average === null ? null : Number(row.average),
      updatedBy: row.updated_by_name,
      updatedAt: isoRequired(row.updated_at),
    };
  }
}
