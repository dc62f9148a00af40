/**
 * The rows of one person are found from the schema alone: a module added later (a table with a
 * `retiree_id` and a table hanging off it) is exported and deleted with no change to the privacy
 * code; a row another person's records still need is unbound instead of deleted; nullable
 * references from rows that stay are cut. On the real record engines.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { readCatalog, retireeTables } from '../../server/privacy/catalog.ts';
import { personPlan } from '../../server/privacy/person.ts';
import { collectRows, eraseRows } from '../../server/privacy/rows.ts';
import { type Engine, recordEngines } from '../helpers/engines.ts';

const setup = await recordEngines();
afterAll(() => setup.stop());

describe.each(setup.engines)('a person’s rows from the schema on $name', (engine: Engine) => {
  let db: Database;
  let close: () => Promise<void>;
  const [mine, other] = [randomUUID(), randomUUID()];
  const [lesson, note, sharedAlert, ownAlert] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db, close } = await engine.open());
    for (const [id, name] of [
      [mine, '甲'],
      [other, '乙'],
    ]) {
      await db.query(
        `insert into retirees (id, name, gender, birth_date) values ($1, $2, 'male', '1940-01-01')`,
        [id, name],
      );
    }
    // A module that does not exist yet: lessons per retiree, notes on a lesson, a group with a leader.
    await db.exec(`
      create table calligraphy_lessons (id uuid primary key, retiree_id uuid not null references retirees (id), topic text not null);
      create table calligraphy_notes (id uuid primary key, lesson_id uuid not null references calligraphy_lessons (id), text text not null);
      create table calligraphy_circles (id uuid primary key, name text not null, leader_id uuid null references retirees (id));
    `);
    await db.query(`insert into calligraphy_lessons values ($1, $2, '楷书')`, [lesson, mine]);
    await db.query(`insert into calligraphy_notes values ($1, $2, '进步明显')`, [note, lesson]);
    await db.query(`insert into calligraphy_circles values ($1, '书法小组', $2)`, [randomUUID(), mine]);
    // A watch now theirs, whose earlier alert was the other person's, and one alert of their own.
    await db.query(
      `insert into devices (id, type, secret_hash, retiree_id) values ('handed-on', 'wearable.watch', 'x', $1)`,
      [mine],
    );
    await db.query(
      `insert into devices (id, type, secret_hash, retiree_id) values ('own-watch', 'wearable.watch', 'x', $1)`,
      [mine],
    );
    for (const [id, retiree, device] of [
      [sharedAlert, other, 'handed-on'],
      [ownAlert, mine, 'own-watch'],
    ]) {
      await db.query(
        `insert into alerts (id, retiree_id, device_id, kind, severity, status, subject, opened_at, last_at)
         values ($1, $2, $3, 'sos', 'critical', 'resolved', $4, now(), now())`,
        [id, retiree, device, `subject-${id}`],
      );
    }
  });

  afterAll(async () => close?.());

  it.skipIf(engine.skip)(
    'exports and deletes a new module’s rows and their children, unbinds what another needs',
    async () => {
      const catalog = await readCatalog(db);
      expect(retireeTables(catalog)).toContain('calligraphy_lessons');
      const plan = personPlan(catalog);
      const rows = await collectRows(db, plan.rows, [mine]);
      expect(rows.get('calligraphy_lessons')?.map((row) => row.id)).toStrictEqual([lesson]);
      expect(rows.get('calligraphy_notes')?.map((row) => row.id)).toStrictEqual([note]);
      expect(rows.get('devices')?.map((row) => row.id)).toStrictEqual(['own-watch']);
      expect(rows.get('alerts')?.map((row) => row.id)).toStrictEqual([ownAlert]);
      expect(rows.has('calligraphy_circles')).toBe(false);

      const order = plan.rows.order;
      expect(order.indexOf('calligraphy_notes')).toBeLessThan(order.indexOf('calligraphy_lessons'));
      expect(order.indexOf('alerts')).toBeLessThan(order.indexOf('devices'));
      expect(order.at(-1)).toBe('retirees');

      const counts = await db.transaction(async (tx) => {
        for (const part of plan.shared) {
          await tx.query(`update "${part.table}" as t set retiree_id = null where ${part.condition('t')}`, [
            mine,
          ]);
        }
        return eraseRows(tx, plan.rows, [mine]);
      });
      expect(counts.calligraphy_notes).toStrictEqual({ deleted: 1, detached: 0 });
      expect(counts.calligraphy_lessons).toStrictEqual({ deleted: 1, detached: 0 });
      expect(counts.calligraphy_circles).toStrictEqual({ deleted: 0, detached: 1 });
      expect(counts.retirees).toStrictEqual({ deleted: 1, detached: 0 });
      expect(
        await db.query('select id, retiree_id from devices where id in ($1, $2)', ['handed-on', 'own-watch']),
      ).toStrictEqual([{ id: 'handed-on', retiree_id: null }]);
      expect(
        (await db.query<{ id: string }>('select id::text as id from alerts')).map((row) => row.id),
      ).toStrictEqual([sharedAlert]);
      expect(await db.query('select leader_id from calligraphy_circles')).toStrictEqual([
        { leader_id: null },
      ]);
      expect((await db.query('select 1 from retirees where id = $1', [other])).length).toBe(1);
    },
  );
});
