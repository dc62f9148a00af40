import { randomUUID } from 'node:crypto';
import { definitions } from '../../devices/index.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest } from '../errors.ts';
import { isUuid } from '../ids.ts';
import type {
  ButtonTest,
  ServiceRequest,
  ServiceRequestInput,
  ServiceRequestQuery,
  ServiceRequestUpdate,
} from '../schemas/requests.ts';
import { Deadlines, dayDeadline } from '../settings/deadlines.ts';
import { staffUser } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { iso, type Timed, timed } from '../store/rows.ts';

type RequestRow = Timed<ServiceRequest, 'requestedAt' | 'assignedAt' | 'doneAt'>;

function toRequest(row: RequestRow): ServiceRequest {
  return timed(row, 'requestedAt', 'assignedAt', 'doneAt');
}

const selectRequest = `select q.id, q.retiree_id as "retireeId", r.name as "retireeName", q.device_id as "deviceId",
    q.channel, q.category, q.description, l.display_name as "loggedBy",
    q.requested_at as "requestedAt", q.status, q.kind, q.provider, q.provider_id as "providerId", q.note,
    q.handler_id as "handlerId",
    h.display_name as "handlerName", q.assigned_at as "assignedAt", q.done_at as "doneAt", q.rating
  from service_requests q left join retirees r on r.id = q.retiree_id left join users h on h.id = q.handler_id
  left join users l on l.id = q.logged_by`;

/** A device's test key is due a press every 30 days, unless the centre sets another interval. */
export const TEST_INTERVAL = dayDeadline('requests.test_interval_days', 30, {
  title: '紧急按钮、烟感等按键测试间隔（天）',
});

/** Device types with a button that can be test-pressed. */
export const testableTypes = definitions
  .filter((definition) => definition.events.includes('button_test'))
  .map((definition) => definition.type);

export class RequestStore {
  private readonly deadlines: Deadlines;

  constructor(private readonly db: Queryable) {
    this.deadlines = new Deadlines(db);
  }

  /** Records a press of the 求助 key; null when the same event was already recorded. */
  async create(input: {
    retireeId: string | null;
    deviceId: string;
    eventId: string;
    at: Date;
  }): Promise<ServiceRequest | null> {
    const id = randomUUID();
    const rows = await this.db.query(
      `insert into service_requests (id, retiree_id, device_id, event_id, requested_at) values ($1, $2, $3, $4, $5)
       on conflict do nothing returning id`,
      [id, input.retireeId, input.deviceId, input.eventId, input.at],
    );
    return rows.length ? this.byId(id) : null;
  }

  /**
   * A request staff log (by phone, in person, on a visit, from the family): waiting for someone, or
   * in hand at once with `handlerId`. The retiree is the caller's to see (checked by the route).
   */
  async log(input: ServiceRequestInput, at: Date, by: string): Promise<ServiceRequest> {
    const description = input.description.trim();
    if (!description) throw badRequest('description: 请填写求助内容');
    const handlerId = input.handlerId ? await staffUser(this.db, input.handlerId, 'handlerId') : null;
    const id = randomUUID();
    await this.db.query(
      `insert into service_requests (id, retiree_id, channel, category, description, logged_by, requested_at, status,
         handler_id, assigned_at)
       values ($1, $2, $3, $4, $5, $6, $7, case when $8::uuid is null then 'requested' else 'assigned' end, $8::uuid,
         case when $8::uuid is null then null else $7::timestamptz end)`,
      [id, input.retireeId, input.channel, input.category, description, by, at, handlerId],
    );
    return (await this.byId(id)) as ServiceRequest;
  }

  async byId(id: string): Promise<ServiceRequest | null> {
    const [row] = await this.db.query<RequestRow>(`${selectRequest} where q.id = $1`, [id]);
    return row ? toRequest(row) : null;
  }

  async list(query: Omit<ServiceRequestQuery, 'limit'>, limit: number): Promise<ServiceRequest[]> {
    const filter = new Filter()
      .when('q.status = ?', query.status)
      .when('q.channel = ?', query.channel)
      .when('q.category = ?', query.category)
      .id('q.provider_id', query.providerId, 'service provider');
    const rows = await this.db.query<RequestRow>(
      `${selectRequest} where ${filter.sql} order by q.requested_at desc limit ${limit}`,
      filter.params,
    );
    return rows.map(toRequest);
  }

  /**
   * Applies `change`; `by` is who makes it, the handler of a request assigned without one named
   * (the handler stays once set, unless another is named).
   */
  async update(
    id: string,
    change: ServiceRequestUpdate,
    at: Date,
    by: string,
  ): Promise<ServiceRequest | null> {
    const handlerId =
      change.handlerId === undefined ? null : await staffUser(this.db, change.handlerId, 'handlerId');
    const unlink = change.providerId === null;
    const provider =
      change.providerId === undefined || change.providerId === null
        ? null
        : await this.providerOf(change.providerId, id);
    const rows = await this.db.query(
      `update service_requests set
         status = coalesce($2, status), kind = coalesce($3, kind),
         provider = coalesce($4, case when $12 then '' else provider end),
         provider_id = case when $12 then null when $10::uuid is not null then $10::uuid
                            when $4::text is null or $4::text = provider then provider_id end,
         category = case when $13 then $11 else category end,
         note = coalesce($5, note), rating = coalesce($6, rating),
         handler_id = coalesce($8, case when $2 = 'assigned' then coalesce(handler_id, $9::uuid) else handler_id end),
         assigned_at = case when $2 = 'assigned' then coalesce(assigned_at, $7) else assigned_at end,
         done_at = case when $2 = 'done' then coalesce(done_at, $7) else done_at end
       where id = $1 returning id`,
      [
        id,
        change.status ?? null,
        change.kind ?? null,
        provider?.name ?? change.provider ?? null,
        change.note ?? null,
        change.rating ?? null,
        at,
        handlerId,
        by,
        provider?.id ?? null,
        change.category ?? null,
        unlink,
        change.category !== undefined,
      ],
    );
    return rows.length ? this.byId(id) : null;
  }

  /**
   * A provider of the register, not taken off it, or the one request `requestId` already has (a
   * change that sends it again keeps it though it left the register); 400 naming `providerId` otherwise.
   */
  private async providerOf(id: string, requestId: string): Promise<{ id: string; name: string }> {
    const message = 'providerId: 服务商名录中没有这个服务商 (no such provider on the register)';
    if (!isUuid(id)) throw badRequest(message);
    const [row] = await this.db.query<{ id: string; name: string }>(
      `select p.id, p.name from service_providers p
        where p.id = $1 and (p.retired_at is null
          or exists (select 1 from service_requests q where q.id = $2 and q.provider_id = p.id))`,
      [id.toLowerCase(), requestId],
    );
    if (!row) throw badRequest(message);
    return row;
  }

  async recordTest(deviceId: string, at: Date): Promise<void> {
    await this.db.query(
      `insert into button_tests (device_id, last_test_at) values ($1, $2)
       on conflict (device_id) do update set last_test_at = greatest(button_tests.last_test_at, excluded.last_test_at)`,
      [deviceId, at],
    );
  }

  /** Every device of the given types with its last test; overdue first, then oldest test first. */
  async buttonTests(types: string[], now: Date): Promise<ButtonTest[]> {
    const rows = await this.db.query<{
      id: string;
      type: string;
      retiree_id: string | null;
      retiree_name: string | null;
      last_test_at: Date | null;
    }>(
      `select d.id, d.type, d.retiree_id, r.name as retiree_name, t.last_test_at
         from devices d left join button_tests t on t.device_id = d.id left join retirees r on r.id = d.retiree_id
        where d.type = any($1::text[]) order by t.last_test_at nulls first, d.id`,
      [types],
    );
    const due = now.getTime() - (await this.deadlines.days(TEST_INTERVAL)) * 86_400_000;
    return rows.map((row) => ({
      deviceId: row.id,
      type: row.type,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      lastTestAt: iso(row.last_test_at),
      overdue: !row.last_test_at || new Date(row.last_test_at).getTime() < due,
    }));
  }
}
