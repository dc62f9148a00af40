/**
 * A real PostgreSQL server for the records suite: `HUB_TEST_DATABASE_URL` when given (an
 * existing server), else a throwaway cluster started from Debian's binaries on a free loopback
 * port. PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
 * Missing binaries skip the suite, except under `CI=true`, where they fail it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { freePort, makeTempDir, waitFor } from './tmp.ts';

export interface PostgresServer {
  /** A URL for a new, empty database on the server. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const dir = `${root}/${version}/bin`;
    if (existsSync(`${dir}/postgres`) && existsSync(`${dir}/initdb`)) return dir;
  }
  return null;
}

function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

let counter = 0;

function serverAt(adminUrl: string, stop: () => Promise<void>): PostgresServer {
  return {
    async createDatabase() {
      counter += 1;
      const name = `hub_test_${process.pid}_${counter}_${Date.now().toString(36)}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop,
  };
}

export async function startPostgres(): Promise<PostgresServer | null> {
  const given = process.env.HUB_TEST_DATABASE_URL;
  if (given) return serverAt(given, async () => {});
  const bin = binDir();
  if (!bin) {
    if (process.env.CI === 'true')
      throw new Error('PostgreSQL is required under CI=true but is not installed');
    return null;
  }
  const dir = await makeTempDir('junxiu-pg-');
  const user = postgresUser();
  if (user) chownSync(dir.path, user.uid, user.gid);
  const identity = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(
    `${bin}/initdb`,
    ['-D', `${dir.path}/data`, '-A', 'trust', '-U', 'hub', '-E', 'UTF8', '--no-sync'],
    {
      ...identity,
      stdio: 'pipe',
    },
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    `${bin}/postgres`,
    [
      '-D',
      `${dir.path}/data`,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-k',
      dir.path,
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ],
    { ...identity, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4096);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const adminUrl = `postgres://hub@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    if (!exited) {
      // SIGINT is PostgreSQL's "fast shutdown".
      child.kill('SIGINT');
      await exit;
    }
    await dir.remove();
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`postgres exited:\n${output}`);
        const client = new pg.Client({ connectionString: adminUrl });
        try {
          await client.connect();
          await client.end();
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 30_000, intervalMs: 100, message: 'postgres to accept connections' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return serverAt(adminUrl, stop);
}
