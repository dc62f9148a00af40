/**
 * Writing and reading rows under the API's names (server/store/rows.ts), on both engines: a record's
 * camelCase keys are its columns, a save replaces the row with the same key, timestamps come back
 * as ISO text and a list's children go to their parents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { childrenBy, insertRecord, saveRecord, type Timed, timed } from '../../server/store/rows.ts';
import { recordEngines } from '../helpers/engines.ts';

const { engines, stop } = await recordEngines();
afterAll(stop);

interface Note {
  caseId: string;
  heldOn: string;
  attendees: { name: string }[];
  recordedAt: string;
  closedAt: string | null;
}

const select = `select case_id as "caseId", held_on::text as "heldOn", attendees, recorded_at as "recordedAt",
    closed_at as "closedAt" from rows_notes order by case_id`;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`rows on ${engine.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await engine.open());
      await db.exec(`create table rows_notes (case_id text primary key, held_on date not null,
        attendees jsonb not null, recorded_at timestamptz not null, closed_at timestamptz)`);
    });
    afterAll(() => close?.());

    it('inserts a record under its column names and reads it back with ISO timestamps', async () => {
      const at = new Date('2026-03-01T02:03:04.567Z');
      await insertRecord(db, 'rows_notes', {
        caseId: 'a',
        heldOn: '2026-02-28',
        attendees: JSON.stringify([{ name: '张敏' }]),
        recordedAt: at,
        closedAt: null,
      });
      const rows = await db.query<Timed<Note, 'recordedAt' | 'closedAt'>>(select);
      expect(
        rows.map((row) => timed<Note, 'recordedAt' | 'closedAt'>(row, 'recordedAt', 'closedAt')),
      ).toStrictEqual([
        {
          caseId: 'a',
          heldOn: '2026-02-28',
          attendees: [{ name: '张敏' }],
          recordedAt: '2026-03-01T02:03:04.567Z',
          closedAt: null,
        },
      ]);
    });

    it('refuses a key that is no plain column name, and writes nothing', async () => {
      const hostile = { caseId: 'x', heldOn: '2026-01-01', attendees: '[]', recordedAt: new Date() };
      await expect(
        insertRecord(db, 'rows_notes', { ...hostile, 'closedAt) values (1,1,1,1,1); --': null }),
      ).rejects.toThrow(/not a column or table name/);
      await expect(insertRecord(db, 'rows_notes; drop table rows_notes', hostile)).rejects.toThrow(
        /not a column or table name/,
      );
      expect(await db.query(`select case_id from rows_notes where case_id = 'x'`)).toStrictEqual([]);
    });

    it('saves a record over the row with the same key, and adds one with a new key', async () => {
      const record = (caseId: string, heldOn: string, name: string) => ({
        caseId,
        heldOn,
        attendees: JSON.stringify([{ name }]),
        recordedAt: new Date('2026-03-02T00:00:00Z'),
      });
      await saveRecord(db, 'rows_notes', 'case_id', record('a', '2026-03-02', '张伟'));
      await saveRecord(db, 'rows_notes', 'case_id', record('b', '2026-03-01', '李娜'));
      const rows = await db.query<{ caseId: string; heldOn: string; attendees: unknown }>(select);
      expect(rows.map(({ caseId, heldOn, attendees }) => [caseId, heldOn, attendees])).toStrictEqual([
        ['a', '2026-03-02', [{ name: '张伟' }]],
        ['b', '2026-03-01', [{ name: '李娜' }]],
      ]);
    });
  });
}

describe('children of a list', () => {
  it('hands each parent its children in the order read, without the parent column', () => {
    const members = [
      { groupId: 'g1', name: '甲' },
      { groupId: 'g2', name: '乙' },
      { groupId: 'g1', name: '丙' },
    ];
    const membersOf = childrenBy(members, 'groupId');
    expect(membersOf('g1')).toStrictEqual([{ name: '甲' }, { name: '丙' }]);
    expect(membersOf('g2')).toStrictEqual([{ name: '乙' }]);
    expect(membersOf('g3')).toStrictEqual([]);
  });
});
