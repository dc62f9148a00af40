/**
 * One hub per data folder and, while devices connect to each hub's own broker, one per database:
 * a second one is refused at start naming the first, and a hub that crashed leaves nothing in the
 * way of its restart. The folder lock with real files; the registry on both record engines; hubs
 * in processes of their own, killed with SIGKILL, on one PostgreSQL server.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderInUse, LOCK_FILE, lockDataFolder } from '../../server/cluster/folder-lock.ts';
import { AnotherInstance, InstanceRegistry } from '../../server/cluster/instances.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger, startHub } from '../../server/hub.ts';
import { HUB_NODE_FLAGS } from '../../server/node-flags.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { ADMIN_PASSWORD, call, startTestHub, type TestHub } from '../helpers/hub.ts';
import { spawnHub } from '../helpers/hub-process.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';
import { freePort, makeTempDir } from '../helpers/tmp.ts';

/** `npm start` with `env`, run until it exits: its exit code and what it wrote to stderr. */
async function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...HUB_NODE_FLAGS, '--import', 'tsx', 'server/main.ts'], {
    cwd: path.join(import.meta.dirname, '..', '..'),
    env: {
      ...process.env,
      HUB_HTTP_HOST: '127.0.0.1',
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HUB_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

/** The pid of a process that ran and is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

describe('the data folder lock', () => {
  it('refuses a second holder, and is free again once released', async () => {
    const dir = await makeTempDir('junxiu-lock-');
    try {
      const first = await lockDataFolder(dir.path);
      await expect(lockDataFolder(dir.path)).rejects.toThrow(FolderInUse);
      await first.release();
      const second = await lockDataFolder(dir.path);
      await second.release();
    } finally {
      await dir.remove();
    }
  });

  it('takes over a lock whose process is gone, or that was cut short, never another host’s', async () => {
    const dir = await makeTempDir('junxiu-lock-');
    const file = path.join(dir.path, LOCK_FILE);
    try {
      await writeFile(file, JSON.stringify({ host: os.hostname(), pid: await deadPid(), startedAt: 'x' }));
      await (await lockDataFolder(dir.path)).release();

      await writeFile(file, '{"host":"kil');
      await (await lockDataFolder(dir.path)).release();

      await writeFile(file, JSON.stringify({ host: 'ward-2-server', pid: 4242, startedAt: '2026-12-01' }));
      await expect(lockDataFolder(dir.path)).rejects.toThrow(/host ward-2-server, pid 4242/);
    } finally {
      await dir.remove();
    }
  });
});

describe('a second hub on the same data folder', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  it('is refused, and the first one goes on', async () => {
    const config = loadConfig({
      HUB_DATA_DIR: t.dataDir.path,
      HUB_HTTP_PORT: '0',
      HUB_HTTP_HOST: '127.0.0.1',
      HUB_MQTT_PORT: '0',
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_ADMIN_PASSWORD: 'a-long-enough-password-1',
    });
    await expect(startHub(config, createLogger('silent'))).rejects.toThrow(/in use by another hub/);
    expect((await call(t.url, 'GET', '/healthz')).status).toBe(200);
    expect((await t.api('GET', '/api/retirees')).status).toBe(200);
  });
});

await describeOnEngines((db) => {
  const options = {
    heartbeatMs: 100,
    staleMs: 600,
    broker: 'embedded' as 'embedded' | 'external',
    redis: false,
    keyCheck: 'same-key',
    onError: () => {},
  };
  const clustered = { ...options, broker: 'external' as const, redis: true };

  it('refuses a second instance while the first lives, naming it, and takes it once it left', async () => {
    const first = new InstanceRegistry(db, options);
    await first.join();
    const second = new InstanceRegistry(db, options);
    const started = Date.now();
    const refused = await second.join().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AnotherInstance);
    expect(String(refused)).toContain(`host ${os.hostname()}, pid ${process.pid}`);
    // It waited for the first to go quiet: the first kept writing that it lives.
    expect(Date.now() - started).toBeGreaterThanOrEqual(options.staleMs);

    await first.leave();
    await second.join();
    const rows = await db.query<{ id: string }>('select id from hub_instances');
    expect(rows.map((row) => row.id)).toEqual([second.id]);
    await second.leave();
    expect(await db.query('select id from hub_instances')).toEqual([]);
  });

  it('lets instances that share an external broker and Redis run together, and no other beside them', async () => {
    const first = new InstanceRegistry(db, clustered);
    const second = new InstanceRegistry(db, clustered);
    await first.join();
    await second.join();
    const rows = await db.query<{ id: string }>('select id from hub_instances order by started_at');
    expect(rows.map((row) => row.id).sort()).toEqual([first.id, second.id].sort());
    // One with its own broker, or without Redis, would split the devices with them.
    for (const alone of [options, { ...clustered, redis: false }, { ...options, redis: true }]) {
      const refused = await new InstanceRegistry(db, { ...alone, staleMs: 300 })
        .join()
        .catch((error) => error);
      expect(refused).toBeInstanceOf(AnotherInstance);
      expect(String(refused)).toContain('HUB_BROKER_URL');
    }
    // Nor one whose secret key differs: it could not read what the others sealed.
    const otherKey = await new InstanceRegistry(db, { ...clustered, keyCheck: 'other-key' })
      .join()
      .catch((error) => error);
    expect(otherKey).toBeInstanceOf(AnotherInstance);
    expect(String(otherKey)).toContain('HUB_SECRET_KEY');
    await first.leave();
    await second.leave();
    // And while one of its own kind runs, a clustered one is refused too.
    const embedded = new InstanceRegistry(db, options);
    await embedded.join();
    const refused = await new InstanceRegistry(db, { ...clustered, staleMs: 300 })
      .join()
      .catch((error) => error);
    expect(refused).toBeInstanceOf(AnotherInstance);
    await embedded.leave();
  });

  it('starts at once after an instance of this host whose process is gone', async () => {
    await db.query(
      `insert into hub_instances (id, host, pid, broker) values (gen_random_uuid(), $1, $2, 'embedded')`,
      [os.hostname(), await deadPid()],
    );
    const next = new InstanceRegistry(db, { ...options, staleMs: 60_000 });
    await next.join();
    expect(await db.query('select pid from hub_instances')).toEqual([{ pid: process.pid }]);
    await next.leave();
  });

  it('waits for another host’s instance to go quiet, then starts', async () => {
    // Quiet since its insert: taken as gone once 1.5 s passed, not before. Timed from before the
    // insert, so a pause of this process between the insert and the join cannot shorten the wait.
    const started = Date.now();
    await db.query(
      `insert into hub_instances (id, host, pid, broker) values (gen_random_uuid(), 'ward-2-server', 4242, 'embedded')`,
    );
    const next = new InstanceRegistry(db, { ...options, staleMs: 1500 });
    await next.join();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await db.query('select host from hub_instances')).toEqual([{ host: os.hostname() }]);
    await next.leave();
  });

  it('writes itself in again when it was thought gone', async () => {
    let revived = 0;
    const instance = new InstanceRegistry(db, { ...options, onRevived: () => (revived += 1) });
    await instance.join();
    await db.query('delete from hub_instances');
    await expect
      .poll(async () => (await db.query<{ id: string }>('select id from hub_instances')).map((row) => row.id))
      .toEqual([instance.id]);
    expect(revived).toBeGreaterThanOrEqual(1);
    await instance.leave();
  });

  it('tells when its row had gone quiet longer than others wait, though it was not taken out', async () => {
    let revived = 0;
    const instance = new InstanceRegistry(db, { ...options, onRevived: () => (revived += 1) });
    await instance.join();
    const quiet = options.staleMs + 5000;
    await db.query(`update hub_instances set seen_at = now() - $2 * interval '1 millisecond' where id = $1`, [
      instance.id,
      quiet,
    ]);
    await expect.poll(() => revived).toBeGreaterThanOrEqual(1);
    const [row] = await db.query<{ quietMs: number }>(
      `select (extract(epoch from now() - seen_at) * 1000)::float8 as "quietMs" from hub_instances where id = $1`,
      [instance.id],
    );
    expect(row?.quietMs).toBeLessThan(quiet);
    await instance.leave();
  });
});

describe('hub processes on one PostgreSQL server', () => {
  let postgres: PostgresServer | null = null;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(() => postgres?.stop());

  it('refuses a second hub while the first runs, and starts one at once after the first was killed', async (context) => {
    if (!postgres) return context.skip();
    const url = await postgres.createDatabase();
    const env = { HUB_DATABASE_URL: url, HUB_INSTANCE_STALE_SECONDS: '3' };
    const folders = [
      await makeTempDir('junxiu-a-'),
      await makeTempDir('junxiu-b-'),
      await makeTempDir('junxiu-c-'),
    ];
    try {
      const first = await spawnHub({
        dataDir: folders[0]!.path,
        httpPort: await freePort(),
        mqttPort: await freePort(),
        env,
      });
      // The second exits at once with the reason, naming the first, without a stack.
      const second = await runToExit({
        ...env,
        HUB_DATA_DIR: folders[1]!.path,
        HUB_HTTP_PORT: String(await freePort()),
        HUB_MQTT_PORT: String(await freePort()),
      });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /^Cannot start: another hub instance uses this database \(host [^,]+, pid \d+/,
      );
      expect(second.stderr).not.toContain('    at ');
      expect((await first.api('GET', '/api/retirees')).status).toBe(200);

      await first.kill();
      const started = Date.now();
      const next = await spawnHub({
        dataDir: folders[2]!.path,
        httpPort: await freePort(),
        mqttPort: await freePort(),
        env: { ...env, HUB_INSTANCE_STALE_SECONDS: '300' },
      });
      // Not after the 300 s a quiet instance is waited for: the killed one's process is gone.
      expect(Date.now() - started).toBeLessThan(120_000);
      expect((await next.api('GET', '/api/retirees')).status).toBe(200);
      await next.kill();
    } finally {
      for (const folder of folders) await folder.remove();
    }
  });
});
