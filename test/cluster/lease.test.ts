/**
 * The lease for the jobs that must run once: held from start to stop on PGlite; on a PostgreSQL
 * server, held by one instance at a time, and taken over within seconds when the holder stops, is
 * killed with SIGKILL, stands still, has its session ended by the server, or stops hearing from it.
 * Real leases in this process and in processes of their own, on one real server; no pauses but the
 * leases' own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lease, type LeaseTarget } from '../../server/cluster/lease.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/tmp.ts';

const root = path.join(import.meta.dirname, '..', '..');
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'lease-holder.ts');

interface Contender {
  name: string;
  lease: Lease;
  /** What its callbacks were told, in order: `acquired`, `lost`. */
  events: string[];
  /** Entries and exits of its callbacks, to show that they never overlap. */
  calls: string[];
  errors: unknown[];
}

/**
 * Leases of one key, each recording what it was told. `overlaps` notes every moment two of them
 * held at once, looked at in each callback and every 5 ms, and every callback that began while
 * another of the same lease ran.
 */
function contenders(target: LeaseTarget, key: number) {
  const all: Contender[] = [];
  const overlaps: string[] = [];
  const look = (when: string) => {
    const holders = all.filter((contender) => contender.lease.held).map((contender) => contender.name);
    if (holders.length > 1) overlaps.push(`${holders.join(' and ')} held at once (${when})`);
  };
  const sampler = setInterval(() => look('sampled'), 5);

  function add(name: string, options: { silentMs?: number; firstAcquired?: Promise<void> } = {}): Contender {
    let inside = false;
    const told = async (event: 'acquired' | 'lost', work?: Promise<void>) => {
      look(`${name} ${event}`);
      if (inside) overlaps.push(`${name}: ${event} while another callback ran`);
      inside = true;
      contender.calls.push(`enter ${event}`);
      contender.events.push(event);
      await work;
      contender.calls.push(`leave ${event}`);
      inside = false;
    };
    const contender: Contender = {
      name,
      events: [],
      calls: [],
      errors: [],
      lease: new Lease(target, {
        key,
        name,
        retryMs: 200,
        checkMs: 200,
        ...(options.silentMs ? { silentMs: options.silentMs } : {}),
        onAcquired: () => told('acquired', contender.events.length === 0 ? options.firstAcquired : undefined),
        onLost: () => told('lost'),
        onError: (error) => contender.errors.push(error),
      }),
    };
    all.push(contender);
    return contender;
  }

  return {
    add,
    overlaps,
    async stop() {
      await Promise.all(all.map((contender) => contender.lease.stop()));
      clearInterval(sampler);
    },
  };
}

/** The lease in a process of its own (fixtures/lease-holder.ts), saying `held` and `lost` on stdout. */
function spawnHolder(url: string, key: number, silentMs: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, url, String(key), String(silentMs)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lines: () => stdout.split('\n').filter(Boolean),
    /** Waits for its first `held`, failing with its stderr when it exits first. */
    async held(): Promise<void> {
      await waitFor(
        () => {
          if (child.exitCode !== null)
            throw new Error(`the holder exited with ${child.exitCode}:\n${stderr}`);
          return stdout.includes('held\n');
        },
        { timeoutMs: 60_000, message: 'the holder process to take the lease' },
      );
    },
    async kill(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('on PGlite', () => {
  it('is held from start to stop', async () => {
    const group = contenders({ kind: 'pglite' }, 1);
    const only = group.add('pglite');
    await only.lease.start();
    expect(only.lease.held).toBe(true);
    expect(only.events).toEqual(['acquired']);
    await only.lease.stop();
    expect(only.lease.held).toBe(false);
    expect(only.events).toEqual(['acquired', 'lost']);
    expect(only.errors).toEqual([]);
    await group.stop();
  });

  it('tells onError of a throw in a callback, and goes on', async () => {
    const errors: unknown[] = [];
    const lease = new Lease(
      { kind: 'pglite' },
      {
        key: 1,
        name: 'throwing',
        onAcquired: () => {
          throw new Error('jobs would not start');
        },
        onLost: async () => {
          throw new Error('jobs would not stop');
        },
        onError: (error) => errors.push(error),
      },
    );
    await lease.start();
    expect(lease.held).toBe(true);
    await lease.stop();
    expect(lease.held).toBe(false);
    expect(errors.map(String)).toEqual(['Error: jobs would not start', 'Error: jobs would not stop']);
  });
});

describe('on a PostgreSQL server', () => {
  let postgres: PostgresServer | null = null;
  let url = '';
  beforeAll(async () => {
    postgres = await startPostgres();
    if (postgres) url = await postgres.createDatabase();
  });
  afterAll(() => postgres?.stop());

  /** The server's pid for the connection of lease `name`, once it has one. */
  async function backendOf(name: string): Promise<number> {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      let pid = 0;
      await waitFor(async () => {
        const { rows } = await admin.query<{ pid: number }>(
          'select pid from pg_stat_activity where application_name = $1',
          [`junxiu-hub lease ${name}`],
        );
        pid = rows[0]?.pid ?? 0;
        return rows.length === 1;
      });
      return pid;
    } finally {
      await admin.end();
    }
  }

  async function adminQuery(sql: string, params: unknown[]): Promise<void> {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(sql, params);
    } finally {
      await admin.end();
    }
  }

  it('is held by one instance at a time, and passes to the other when the holder stops', async (context) => {
    if (!postgres) return context.skip();
    const group = contenders({ kind: 'postgres', url }, 2839_9001);
    const first = group.add('stop-first');
    const second = group.add('stop-second');
    try {
      await first.lease.start();
      await second.lease.start();
      expect(first.lease.held).toBe(true);
      expect(second.lease.held).toBe(false);
      // Another key is another lease.
      const other = contenders({ kind: 'postgres', url }, 2839_9002);
      const elsewhere = other.add('stop-elsewhere');
      await elsewhere.lease.start();
      expect(elsewhere.lease.held).toBe(true);
      await other.stop();

      await first.lease.stop();
      expect(first.events).toEqual(['acquired', 'lost']);
      await waitFor(() => second.lease.held, { timeoutMs: 5_000, message: 'the second lease to be taken' });
      expect(second.events).toEqual(['acquired']);
    } finally {
      await group.stop();
    }
    expect(second.events).toEqual(['acquired', 'lost']);
    expect(group.overlaps).toEqual([]);
    expect([...first.errors, ...second.errors]).toEqual([]);
  });

  it('passes to another instance within seconds when the holder is killed with SIGKILL', async (context) => {
    if (!postgres) return context.skip();
    const key = 2839_9003;
    const holder = spawnHolder(url, key, 15_000);
    const group = contenders({ kind: 'postgres', url }, key);
    const waiting = group.add('sigkill-waiting');
    try {
      await holder.held();
      await waiting.lease.start();
      expect(waiting.lease.held).toBe(false);

      await holder.kill();
      await waitFor(() => waiting.lease.held, { timeoutMs: 5_000, message: 'the lease after SIGKILL' });
      expect(waiting.events).toEqual(['acquired']);
    } finally {
      await holder.kill();
      await group.stop();
    }
    expect(waiting.errors).toEqual([]);
  });

  it('passes to another instance when the holder stands still, and the holder gives it up on waking', async (context) => {
    if (!postgres) return context.skip();
    const key = 2839_9004;
    const silentMs = 3_000;
    const holder = spawnHolder(url, key, silentMs);
    const group = contenders({ kind: 'postgres', url }, key);
    const waiting = group.add('frozen-waiting');
    try {
      await holder.held();
      await waiting.lease.start();
      expect(waiting.lease.held).toBe(false);

      holder.child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      await waitFor(() => waiting.lease.held, {
        timeoutMs: silentMs + 10_000,
        message: 'the lease after the holder stood still',
      });
      // The server ended the holder's session once it was silent for silentMs, not before. (Its
      // last check came at most checkMs before the stop.)
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(silentMs - 500);

      holder.child.kill('SIGCONT');
      await waitFor(() => holder.lines().includes('lost'), {
        timeoutMs: 10_000,
        message: 'the holder to give the lease up',
      });
      expect(holder.lines()).toEqual(['held', 'lost']);
      expect(waiting.lease.held).toBe(true);
    } finally {
      holder.child.kill('SIGCONT');
      await holder.kill();
      await group.stop();
    }
  });

  it('calls onLost when the server ends the holder’s session, and one instance takes it again, never two', async (context) => {
    if (!postgres) return context.skip();
    const group = contenders({ kind: 'postgres', url }, 2839_9005);
    const first = group.add('terminated-first');
    const second = group.add('terminated-second');
    try {
      await first.lease.start();
      await second.lease.start();
      expect(first.lease.held).toBe(true);

      await adminQuery('select pg_terminate_backend($1)', [await backendOf('terminated-first')]);
      await waitFor(() => first.events.includes('lost'), { timeoutMs: 5_000, message: 'onLost' });
      await waitFor(() => first.lease.held || second.lease.held, {
        timeoutMs: 5_000,
        message: 'the lease to be taken again',
      });
      expect(String(first.errors[0])).toMatch(/lease terminated-first lost: .*administrator command/);
    } finally {
      await group.stop();
    }
    expect(group.overlaps).toEqual([]);
    for (const contender of [first, second]) {
      // acquired, lost, acquired, lost…: each loss follows a take.
      const pairs = contender.events.length / 2;
      expect(contender.events).toEqual(Array.from({ length: pairs }, () => ['acquired', 'lost']).flat());
    }
    expect(first.events.length + second.events.length).toBe(4);
  });

  it('lets onAcquired finish before onLost begins', async (context) => {
    if (!postgres) return context.skip();
    const group = contenders({ kind: 'postgres', url }, 2839_9006);
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const slow = group.add('slow-start', { firstAcquired: gate });
    try {
      const started = slow.lease.start();
      await waitFor(() => slow.calls.includes('enter acquired'), { message: 'onAcquired' });
      await adminQuery('select pg_terminate_backend($1)', [await backendOf('slow-start')]);
      // The lease knows at once that it no longer holds, but onLost waits for onAcquired.
      await waitFor(() => !slow.lease.held, { timeoutMs: 5_000, message: 'the loss' });
      expect(slow.calls).toEqual(['enter acquired']);
      open();
      await started;
      await waitFor(() => slow.calls.includes('leave lost'), { timeoutMs: 5_000, message: 'onLost' });
      expect(slow.calls.slice(0, 4)).toEqual([
        'enter acquired',
        'leave acquired',
        'enter lost',
        'leave lost',
      ]);
    } finally {
      open();
      await group.stop();
    }
    expect(group.overlaps).toEqual([]);
  });

  it('gives the lease up when the server stops answering, before the server could give it to another', async (context) => {
    // Stops the holder's server process: only on the server this suite started, on this host.
    if (!postgres || process.env.HUB_TEST_DATABASE_URL) return context.skip();
    const silentMs = 3_000;
    const group = contenders({ kind: 'postgres', url }, 2839_9007);
    const cutOff = group.add('unanswered-holder', { silentMs });
    const waiting = group.add('unanswered-waiting');
    let backend = 0;
    try {
      await cutOff.lease.start();
      await waiting.lease.start();
      expect(cutOff.lease.held).toBe(true);

      backend = await backendOf('unanswered-holder');
      process.kill(backend, 'SIGSTOP');
      const stoppedAt = Date.now();
      await waitFor(() => cutOff.events.includes('lost'), { timeoutMs: 10_000, message: 'onLost' });
      // Half of silentMs after its last answered check; the server would free the lock after silentMs.
      expect(Date.now() - stoppedAt).toBeLessThan(silentMs);
      expect(String(cutOff.errors[0])).toMatch(/lost: checking the connection: no answer within/);
      // The stopped session still holds the lock: nobody takes it yet.
      expect(waiting.lease.held).toBe(false);

      process.kill(backend, 'SIGCONT');
      backend = 0;
      // The holder closed its connection: the resumed session ends, and the lock is free.
      await waitFor(() => cutOff.lease.held || waiting.lease.held, {
        timeoutMs: 10_000,
        message: 'the lease to be taken again',
      });
    } finally {
      if (backend) process.kill(backend, 'SIGCONT');
      await group.stop();
    }
    expect(group.overlaps).toEqual([]);
  });
});
