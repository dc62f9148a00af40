/**
 * The deliveries not finished yet, kept in the records (`notification_outbox`) so that a notice
 * outlives the process sending it: a row is written when an alert's change is to be told, and
 * removed in the same transaction as the attempt that ends it (sent, refused, or the last retry).
 *
 * A row is held by the instance delivering it. Any instance takes, once due, a row held by nobody
 * (the hub stopped in good order and let it go, or more were waiting than fit in memory) or by an
 * instance no longer heard from in `hub_instances` (killed, or its machine gone): a take-over within
 * HUB_INSTANCE_STALE_SECONDS. Taking is one conditional update with `skip locked`, so two instances
 * never take one row. What cannot be made exactly once is the send itself: an instance that dies
 * after the provider took a message and before the log was written leaves it to be sent again.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import type { MessageContext } from './message.ts';
import type { ChannelTarget } from './store.ts';

/** What a delivery is made of: the channel and the message as resolved when the alert moved. */
export interface OutboxJob {
  channel: ChannelTarget;
  context: MessageContext;
}

export interface OutboxEntry extends OutboxJob {
  id: string;
  /** The next attempt's number (1 for the first). */
  attempt: number;
  /** The staff member's link to act on the alert, once issued. */
  link: string | null;
}

interface OutboxRow {
  id: string;
  job: OutboxJob;
  link: string | null;
  attempt: number;
}

export class NotificationOutbox {
  constructor(
    private readonly db: Database,
    private readonly options: {
      /** This instance (hub_instances.id): the rows it holds. */
      instanceId: string;
      /** How long an instance may stay silent in hub_instances before its rows are taken. */
      staleMs: number;
    },
  ) {}

  /**
   * Writes the deliveries of one alert change: the first `held` of them held by this instance (it
   * sends them now, the first attempt after `firstDelayMs`), the rest left for whoever has room.
   */
  async add(jobs: OutboxJob[], held: number, firstDelayMs: number): Promise<OutboxEntry[]> {
    const entries = jobs.map((job) => ({ ...job, id: randomUUID(), attempt: 1, link: null }));
    if (entries.length === 0) return entries;
    await this.db.query(
      `insert into notification_outbox (id, alert_id, channel_id, job, claimed_by, due_at)
       select e.id, e.alert_id, e.channel_id, e.job,
              case when e.ord <= $6 then $7::uuid end, now() + $8 * interval '1 millisecond'
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::jsonb[], $5::int[])
              as e (id, alert_id, channel_id, job, ord)`,
      [
        entries.map((entry) => entry.id),
        entries.map((entry) => entry.context.event.alert.id),
        entries.map((entry) => entry.channel.id),
        entries.map((entry) => JSON.stringify({ channel: entry.channel, context: entry.context })),
        entries.map((_, index) => index + 1),
        held,
        this.options.instanceId,
        firstDelayMs,
      ],
    );
    return entries;
  }

  /** Takes up to `limit` due rows held by nobody or by an instance gone quiet, oldest first. */
  async take(limit: number): Promise<OutboxEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.db.query<OutboxRow>(
      `update notification_outbox o set claimed_by = $1
        where o.id in (
          select id from notification_outbox
           where due_at <= now()
             and (claimed_by is null
               or (claimed_by <> $1 and claimed_by not in
                    (select id from hub_instances where seen_at > now() - $2 * interval '1 millisecond')))
           order by due_at, created_at
           limit $3
           for update skip locked)
        returning o.id, o.job, o.link, o.attempt`,
      [this.options.instanceId, this.options.staleMs, limit],
    );
    return rows.map((row) => ({ ...row.job, id: row.id, attempt: row.attempt, link: row.link }));
  }

  async setLink(id: string, link: string): Promise<void> {
    await this.db.query('update notification_outbox set link = $2 where id = $1', [id, link]);
  }

  /** The delivery goes on: attempt `attempt` is due in `delayMs` (in the caller's transaction). */
  async retryLater(tx: Queryable, id: string, attempt: number, delayMs: number): Promise<void> {
    await tx.query(
      `update notification_outbox set attempt = $2, due_at = now() + $3 * interval '1 millisecond'
        where id = $1`,
      [id, attempt, delayMs],
    );
  }

  /** The delivery is over (in the caller's transaction). */
  async finish(tx: Queryable, id: string): Promise<void> {
    await tx.query('delete from notification_outbox where id = $1', [id]);
  }

  /** Lets the rows go for any instance to take (this one stops). */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      'update notification_outbox set claimed_by = null where id = any($1::uuid[]) and claimed_by = $2',
      [ids, this.options.instanceId],
    );
  }

  /** Rows this instance does not hold: held by nobody, or by another instance or run. */
  async notHeld(): Promise<number> {
    const [row] = await this.db.query<{ count: number }>(
      'select count(*)::int as count from notification_outbox where claimed_by is distinct from $1',
      [this.options.instanceId],
    );
    return row?.count ?? 0;
  }

  /** Rows not finished: every instance's (for /metrics and tests). */
  async size(): Promise<number> {
    const [row] = await this.db.query<{ count: number }>(
      'select count(*)::int as count from notification_outbox',
    );
    return row?.count ?? 0;
  }
}
