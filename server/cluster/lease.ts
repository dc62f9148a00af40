/**
 * The jobs that must run once however many hub instances share the database (escalation reminders,
 * sweeps, retention) run on the holder of a lease; when the holder dies, however it dies, another
 * instance takes them over within seconds.
 *
 * The lease is a session-level advisory lock, taken with `pg_try_advisory_lock` on a connection of
 * its own: never one of the pool's, which would go back to the pool still holding it. The others try
 * every `retryMs`. Advisory locks rather than a lease in Redis: the hub's state already lives in
 * PostgreSQL, and the lock lives exactly as long as the session that took it. A holder killed, even
 * with SIGKILL, has its connection closed by its kernel; its session ends and the lock is free at
 * once. There is no expiry to tune and no clock to trust, and a holder cut off from the database
 * loses the lease with its session.
 *
 * A holder whose machine lost power or network, or whose process stands still, closes nothing. So
 * its session sets `idle_session_timeout` to `silentMs`: the server ends a session that long without
 * a word, and the lock is free. The holder speaks every `checkMs` (`select 1`), and gives the lease up
 * itself when no answer came within half of `silentMs` since it asked the last one answered, before
 * the server could free the lock for another. Each side measures a duration on its own clock.
 * A holder whose connection errs, ends or goes unanswered calls `onLost` at once and goes back to
 * trying, on a new connection. What no lease can promise without fencing the work itself: a holder
 * that stood still past that half (a stopped process, a stalled event loop) runs on, between waking
 * and its next check, while another may hold the lease. Before PostgreSQL 14 (no
 * `idle_session_timeout`), a silent holder's lock waits for the server's TCP keepalive.
 *
 * The URL must reach PostgreSQL itself, or a pooler in session mode: one in transaction mode would
 * hand the session, and the lock, to other clients.
 *
 * On PGlite the hub is one process on its data folder (folder-lock.ts), hence one instance: the
 * lease is held from `start()` to `stop()`.
 */
import pg from 'pg';

export type LeaseTarget = { kind: 'pglite' } | { kind: 'postgres'; url: string };

export interface LeaseOptions {
  /** Key of the advisory lock: one per lease, and none of the hub's other keys (migrate.ts, instances.ts…). */
  key: number;
  /** Names the lease in errors and in `application_name` (`junxiu-hub lease <name>`). */
  name: string;
  /** How often an instance without the lease tries to take it (default 2000 ms). */
  retryMs?: number;
  /** How often the holder checks its connection (default 1000 ms). */
  checkMs?: number;
  /**
   * How long the holder's session may stay silent before the server ends it and frees the lock
   * (default 15 000 ms, at least 4 × `checkMs`). The holder gives the lease up after half of it.
   */
  silentMs?: number;
  /** The lease is this instance's: start the jobs. Never runs alongside `onLost`. */
  onAcquired: () => Promise<void> | void;
  /** The lease is no longer this instance's (lost, or `stop()`): stop the jobs. */
  onLost: () => Promise<void> | void;
  /** A throw of `onAcquired` or `onLost`, the cause of a loss, the first of a run of failed attempts. */
  onError: (error: unknown) => void;
}

type Announcement = 'onAcquired' | 'onLost';

/** `work`, or a rejection once `ms` passed without it settling. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  work.catch(() => {}); // settles after the connection is dropped, when nobody waits any more
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms)} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Lease {
  private readonly retryMs: number;
  private readonly checkMs: number;
  private readonly silentMs: number;
  /** How long connecting, trying and unlocking may take before the connection is given up. */
  private readonly patienceMs: number;
  /** The dedicated connection: the holder's, or the one trying. */
  private client: pg.Client | null = null;
  /** Why `client` is unusable (it erred or ended), once it is. */
  private broken: unknown = null;
  private holding = false;
  /** `onAcquired` was the last announced: `onLost` is owed. */
  private announced = false;
  private lostBecause: unknown = null;
  /** When the holder sent its last query that was answered (performance.now()). */
  private confirmedAt = 0;
  /** The current run of failed attempts was reported. */
  private failing = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly target: LeaseTarget,
    private readonly options: LeaseOptions,
  ) {
    this.retryMs = options.retryMs ?? 2_000;
    this.checkMs = options.checkMs ?? 1_000;
    this.silentMs = options.silentMs ?? 15_000;
    this.patienceMs = Math.max(this.silentMs / 2, 5_000);
    if (!Number.isSafeInteger(options.key)) {
      throw new RangeError(`lease ${options.name}: the key must be an integer`);
    }
    if (!(this.retryMs > 0 && this.checkMs > 0 && this.checkMs * 4 <= this.silentMs)) {
      throw new RangeError(`lease ${options.name}: needs retryMs > 0 and 0 < 4 × checkMs ≤ silentMs`);
    }
  }

  /** Whether this instance holds the lease, as far as it knows (see the module comment). */
  get held(): boolean {
    return this.holding;
  }

  /** Begins trying; resolves after the first attempt (and its `onAcquired`, when it took the lease). */
  start(): Promise<void> {
    if (this.loop || this.stopping) {
      return Promise.reject(new Error(`lease ${this.options.name} was started or stopped already`));
    }
    return new Promise((attempted) => {
      this.loop = this.run(attempted);
    });
  }

  /** Calls `onLost` when held (and waits for it), then releases the lock and closes the connection. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopping = true;
      this.wake?.();
      this.stopped = this.finish();
    }
    return this.stopped;
  }

  private async finish(): Promise<void> {
    await this.loop;
    const locked = this.holding;
    this.holding = false;
    if (this.announced) await this.announce('onLost');
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (locked && !this.broken) {
      // Ending the session frees the lock too: an unlock that fails is no matter.
      const unlock = client.query('select pg_advisory_unlock($1)', [this.options.key]);
      await within(unlock, this.patienceMs, 'unlocking').catch(() => {});
    }
    await within(client.end(), this.patienceMs, 'closing').catch(() => {});
    client.connection.stream.destroy();
  }

  /** The attempts and checks, one at a time, with the callbacks between them: never two at once. */
  private async run(attempted: () => void): Promise<void> {
    try {
      if (this.target.kind === 'pglite') {
        this.holding = true;
        await this.announce('onAcquired');
        return;
      }
      await this.attempt();
    } finally {
      attempted();
    }
    while (!this.stopping) {
      if (this.lost()) {
        this.drop();
        this.options.onError(
          new Error(`lease ${this.options.name} lost: ${messageOf(this.lostBecause)}`, {
            cause: this.lostBecause,
          }),
        );
        await this.announce('onLost');
        continue;
      }
      await this.pause(this.holding ? this.checkMs : this.retryMs);
      // A loss cuts the pause short: told first, on the next turn.
      if (this.stopping || this.lost()) continue;
      if (this.holding) await this.check();
      else await this.attempt();
    }
  }

  /** The lease was lost since `onAcquired`: `onLost` is owed. */
  private lost(): boolean {
    return this.announced && !this.holding;
  }

  private async announce(which: Announcement): Promise<void> {
    this.announced = which === 'onAcquired';
    try {
      await this.options[which]();
    } catch (error) {
      this.options.onError(error);
    }
  }

  /** Waits `ms`, or less when the lease is lost or stopped meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }

  private async connect(url: string): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: url,
      application_name: `junxiu-hub lease ${this.options.name}`,
      keepAlive: true,
      connectionTimeoutMillis: this.patienceMs,
    });
    this.client = client;
    this.broken = null;
    // Listened to for the client's whole life, so that no 'error' is ever unhandled.
    client.on('error', (error) => this.gone(client, error));
    client.on('end', () => this.gone(client, new Error('the connection ended')));
    await client.connect();
    try {
      await client.query("select set_config('idle_session_timeout', $1, false)", [String(this.silentMs)]);
    } catch (error) {
      if (this.broken) throw error;
      // PostgreSQL before 14: the server's TCP keepalive stands in (see the module comment).
    }
    return client;
  }

  /** `client` erred or ended: a holder is no longer one. */
  private gone(client: pg.Client, error: unknown): void {
    if (client !== this.client || this.broken) return;
    this.broken = error;
    this.lose(error);
  }

  private lose(cause: unknown): void {
    if (!this.holding) return;
    this.holding = false;
    this.lostBecause = cause;
    this.wake?.();
  }

  /** Closes the connection at once, without waiting for the server (it may not answer). */
  private drop(): void {
    const client = this.client;
    this.client = null;
    this.broken = null;
    if (!client) return;
    client.end().catch(() => {});
    client.connection.stream.destroy();
  }

  private async attempt(): Promise<void> {
    if (this.target.kind !== 'postgres') return;
    try {
      if (this.broken) this.drop();
      const client = this.client ?? (await this.connect(this.target.url));
      const askedAt = performance.now();
      const result = await within(
        client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [this.options.key]),
        this.patienceMs,
        'trying the lock',
      );
      if (this.broken) throw this.broken;
      this.failing = false;
      if (result.rows[0]?.locked !== true) return;
      this.holding = true;
      this.confirmedAt = askedAt;
    } catch (error) {
      this.drop();
      if (!this.failing) {
        this.failing = true;
        this.options.onError(
          new Error(`lease ${this.options.name}: cannot try the lock: ${messageOf(error)}`, { cause: error }),
        );
      }
      return;
    }
    // Taken while stopping: stop() releases it without announcing it.
    if (!this.stopping) await this.announce('onAcquired');
  }

  private async check(): Promise<void> {
    const askedAt = performance.now();
    const left = this.confirmedAt + this.silentMs / 2 - askedAt;
    try {
      if (!this.client || this.broken) throw this.broken ?? new Error('no connection');
      if (left <= 0) throw new Error(`no answer for ${Math.round(askedAt - this.confirmedAt)} ms`);
      await within(this.client.query('select 1'), left, 'checking the connection');
      this.confirmedAt = askedAt;
    } catch (error) {
      this.lose(error);
    }
  }
}
