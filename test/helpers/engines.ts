/**
 * The two record engines the records suites run on: PGlite, and a PostgreSQL server when one is
 * installed (skipped otherwise; under CI=true a missing server fails the suite).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { type PostgresServer, startPostgres } from './postgres.ts';
import { standIn } from './suite.ts';
import { makeTempDir } from './tmp.ts';

export interface Engine {
  name: string;
  skip: boolean;
  /** A fresh, migrated database and its clean-up. */
  open(): Promise<{ db: Database; close: () => Promise<void> }>;
}

export async function recordEngines(): Promise<{ engines: Engine[]; stop: () => Promise<void> }> {
  const postgres: PostgresServer | null = await startPostgres();
  const engines: Engine[] = [
    {
      name: 'PGlite',
      skip: false,
      async open() {
        const dir = await makeTempDir('junxiu-records-');
        const db = await openDatabase({ dataDir: dir.path });
        await migrate(db);
        return {
          db,
          close: async () => {
            await db.close();
            await dir.remove();
          },
        };
      },
    },
    {
      name: 'PostgreSQL server',
      skip: postgres === null,
      async open() {
        const url = await (postgres as PostgresServer).createDatabase();
        const db = await openDatabase({ url, dataDir: '/nonexistent' });
        await migrate(db);
        return { db, close: () => db.close() };
      },
    },
  ];
  return { engines, stop: async () => postgres?.stop() };
}

/**
 * The cases `cases` registers, once on each record engine: a `describe` named `on <engine>`, skipped
 * where the engine is missing, on a fresh migrated database opened before its first case and closed
 * after its last (after the suite's own `afterAll` hooks). `db` stands for that database once open.
 */
export async function describeOnEngines(cases: (db: Database, engine: Engine) => void): Promise<void> {
  const { engines, stop } = await recordEngines();
  afterAll(stop);
  for (const engine of engines) {
    describe.skipIf(engine.skip)(`on ${engine.name}`, () => {
      let opened: { db: Database; close: () => Promise<void> } | undefined;
      beforeAll(async () => {
        opened = await engine.open();
      });
      afterAll(() => opened?.close());
      cases(
        standIn(() => opened?.db, 'the engine’s database'),
        engine,
      );
    });
  }
}

/** The same two engines for suites that start a whole hub: the settings that point it at one. */
export interface HubEngine {
  name: string;
  skip: boolean;
  /** The hub's settings for a fresh database on this engine (none for PGlite in its data folder). */
  env(): Promise<Record<string, string>>;
}

export async function hubEngines(): Promise<{ engines: HubEngine[]; stop: () => Promise<void> }> {
  const postgres: PostgresServer | null = await startPostgres();
  const engines: HubEngine[] = [
    { name: 'PGlite', skip: false, env: async () => ({}) },
    {
      name: 'PostgreSQL server',
      skip: postgres === null,
      env: async () => ({ HUB_DATABASE_URL: await (postgres as PostgresServer).createDatabase() }),
    },
  ];
  return { engines, stop: async () => postgres?.stop() };
}
