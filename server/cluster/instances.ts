/**
 * The hub instances using one database (`hub_instances`), each writing that it lives every
 * `heartbeatMs`. Instances share one database only when each takes its devices from an external
 * broker and shares Redis (`redis`): then a device's messages may reach any of them, and what they
 * must agree on is in the records or in Redis (detection by silence, the per-reading runs, the
 * throttles, the live rooms), while the jobs that must run once run under a lease (./lease.ts). An
 * instance with its own embedded broker, or without Redis, would split the devices and the
 * detection with the others: it is refused at start while another instance is live, and while it
 * is live every other instance is refused, naming it.
 *
 * An instance is live while it was heard from within `staleMs` (measured by the database's clock,
 * so hosts whose clocks differ agree). One that went quiet (killed, its machine gone) stops
 * counting then; on the same host, one whose process no longer runs stops counting at once, so a
 * hub restarted after a crash starts without waiting. A starting instance that finds another live
 * waits up to `staleMs` for it to go quiet before it refuses.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database, Queryable } from '../db/database.ts';
import { running, StartRefused } from './folder-lock.ts';

/** Key of the advisory lock taken while an instance joins (any constant the hub takes nowhere else). */
const JOIN_LOCK = 2839_0016;

export interface InstanceOptions {
  heartbeatMs: number;
  staleMs: number;
  /** How the instance's devices reach it. */
  broker: 'embedded' | 'external';
  /** Whether it shares throttles, runs, rooms and what it relays through Redis (HUB_REDIS_URL). */
  redis: boolean;
  /** A fingerprint of its secret key: instances that run together must have the same. */
  keyCheck: string;
  onError: (error: unknown) => void;
  /**
   * Told when a heartbeat finds the instance was thought gone: its row was quiet longer than
   * `staleMs` (another instance may have taken its deliveries and marked its devices offline), or
   * was taken out and is written again.
   */
  onRevived?: () => void;
}

interface InstanceRow {
  id: string;
  host: string;
  pid: number;
  broker: string;
  redis: boolean;
  keyCheck: string;
  startedAt: Date | string;
  quietMs: number;
}

function clustered(instance: { broker: string; redis: boolean }): boolean {
  return instance.broker === 'external' && instance.redis;
}

/** Thrown when another live instance uses the database. */
export class AnotherInstance extends StartRefused {}

/** Instances joined from this process (a test may run several): live whatever their pid says. */
const joinedHere = new Set<string>();

export class InstanceRegistry {
  readonly id = randomUUID();
  private readonly host = os.hostname();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly options: InstanceOptions,
  ) {}

  /**
   * On this host, a process that no longer runs is no instance, nor is this very pid (reused by a
   * restart) unless the row is of an instance this process runs.
   */
  private gone(row: InstanceRow): boolean {
    if (joinedHere.has(row.id)) return false;
    return row.host === this.host && (row.pid === process.pid || !running(row.pid));
  }

  /** One attempt: the live others, or none and this instance is written. */
  private async tryJoin(): Promise<InstanceRow[]> {
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [JOIN_LOCK]);
      const rows = await tx.query<InstanceRow>(
        `select id, host, pid, broker, redis, key_check as "keyCheck", started_at as "startedAt",
           (extract(epoch from now() - seen_at) * 1000)::float8 as "quietMs"
         from hub_instances`,
      );
      const dead = rows.filter((row) => row.quietMs > this.options.staleMs || this.gone(row));
      if (dead.length > 0) {
        await tx.query('delete from hub_instances where id = any($1::uuid[])', [dead.map((row) => row.id)]);
      }
      const live = rows.filter((row) => !dead.includes(row));
      if (live.some((row) => !(this.clustered && clustered(row)))) return live;
      const otherKey = live.find((row) => row.keyCheck !== this.options.keyCheck);
      if (otherKey) {
        throw new AnotherInstance(
          `another hub instance on this database (host ${otherKey.host}, pid ${otherKey.pid}) has another ` +
            'secret key: give every instance the same HUB_SECRET_KEY, or each fails to read what another sealed.',
        );
      }
      joinedHere.add(this.id);
      await this.insert(tx);
      return [];
    });
  }

  private async insert(tx: Queryable): Promise<void> {
    await tx.query(
      `insert into hub_instances (id, host, pid, broker, redis, key_check) values ($1, $2, $3, $4, $5, $6)
       on conflict (id) do update set seen_at = now()`,
      [this.id, this.host, process.pid, this.options.broker, this.options.redis, this.options.keyCheck],
    );
  }

  /** Whether this instance may run beside others: its devices on an external broker, with Redis. */
  get clustered(): boolean {
    return clustered(this.options);
  }

  /**
   * Writes this instance in, waiting up to `staleMs` for a live one to go quiet; throws
   * AnotherInstance naming it when a look taken once `staleMs` has passed still finds it live (a
   * look that began before then, and was slow, does not decide). Then heartbeats until `leave()`.
   */
  async join(): Promise<void> {
    const deadline = Date.now() + this.options.staleMs;
    for (;;) {
      const looked = Date.now();
      const live = await this.tryJoin();
      if (live.length === 0) break;
      if (looked >= deadline) {
        const names = live
          .map(
            (row) => `host ${row.host}, pid ${row.pid}, heard from ${Math.round(row.quietMs / 1000)} s ago`,
          )
          .join('; ');
        throw new AnotherInstance(
          `another hub instance uses this database (${names}). Instances share one database only when ` +
            'each takes its devices from an external broker (HUB_BROKER_URL) and shares Redis ' +
            '(HUB_REDIS_URL): stop that one, give this one its own database, or run both so.',
        );
      }
      const wait = Math.min(1000, this.options.heartbeatMs, Math.max(50, deadline - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.timer = setInterval(() => {
      this.beating = this.beat().catch(this.options.onError);
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const [touched] = await this.db.query<{ quietMs: number }>(
      `update hub_instances h set seen_at = now()
         from (select seen_at from hub_instances where id = $1 for update) earlier
        where h.id = $1
        returning (extract(epoch from now() - earlier.seen_at) * 1000)::float8 as "quietMs"`,
      [this.id],
    );
    if (touched && touched.quietMs <= this.options.staleMs) return;
    // Thought dead (the process stood still longer than staleMs): written again if it was taken
    // out, and said loudly.
    if (!touched) await this.insert(this.db);
    this.options.onRevived?.();
  }

  /** Stops the heartbeat and takes this instance out, so the next one starts at once. */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    joinedHere.delete(this.id);
    await this.db.query('delete from hub_instances where id = $1', [this.id]);
  }
}
