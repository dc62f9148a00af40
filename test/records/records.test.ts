/**
 * The records suite, run on both engines: PGlite (the default) and a PostgreSQL server. Same
 * schema, same migrations, same behaviour.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { AlertStore } from '../../server/store/alerts.ts';
import { DeviceStore } from '../../server/store/devices.ts';
import { RetireeStore } from '../../server/store/retirees.ts';
import { isUniqueViolation } from '../../server/store/rows.ts';
import { UserStore } from '../../server/store/users.ts';
import { recordEngines } from '../helpers/engines.ts';

const { engines, stop } = await recordEngines();
afterAll(stop);

for (const engine of engines) {
  describe.skipIf(engine.skip)(`records on ${engine.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await engine.open());
    });
    afterAll(() => close?.());

    it('migrates once: a second run applies nothing', async () => {
      expect(await migrate(db)).toStrictEqual([]);
      const rows = await db.query<{ version: string }>(
        'select version from schema_migrations order by version',
      );
      expect(rows.map((row) => row.version)).toContain('001_initial.sql');
    });

    it('stores a retiree with contacts in priority order and reads dates back as written', async () => {
      const retirees = new RetireeStore(db);
      const created = await retirees.create({
        name: '张志强',
        gender: 'male',
        birthDate: '1936-12-31',
        bloodType: 'O',
        contacts: [
          { name: '张敏', relation: '女儿', phone: '13900000001' },
          { name: '张伟', relation: '儿子', phone: '13900000002', email: 'zw@example.com' },
        ],
      });
      expect(created.birthDate).toBe('1936-12-31');
      expect(created.contacts.map((contact) => [contact.name, contact.priority])).toStrictEqual([
        ['张敏', 1],
        ['张伟', 2],
      ]);
      expect(created.contacts[1]?.email).toBe('zw@example.com');
      expect(await retirees.byId(randomUUID())).toBeNull();
    });

    it('rolls a failed transaction back whole', async () => {
      const retirees = new RetireeStore(db);
      const before = (await retirees.list()).length;
      await expect(
        db.transaction(async (tx) => {
          await tx.query(
            `insert into retirees (id, name, gender, birth_date) values ($1, 'x', 'male', '1940-01-01')`,
            [randomUUID()],
          );
          await tx.query(
            `insert into retirees (id, name, gender, birth_date) values ($1, 'y', 'robot', '1940-01-01')`,
            [randomUUID()],
          );
        }),
      ).rejects.toThrow();
      expect((await retirees.list()).length).toBe(before);
    });

    it('binds devices, records status and the latest readings', async () => {
      const retiree = await new RetireeStore(db).create({
        name: '刘芳',
        gender: 'female',
        birthDate: '1941-02-03',
      });
      const devices = new DeviceStore(db);
      await devices.create({
        id: `w-${engine.name.length}`,
        type: 'wearable.watch',
        retireeId: retiree.id,
        secretHash: 'h',
      });
      await devices.setStatus(`w-${engine.name.length}`, {
        online: true,
        battery: 64,
        firmware: '2.0',
        at: new Date(1_800_000_000_000),
      });
      await devices.saveLatest([
        {
          id: `w-${engine.name.length}`,
          latest: { hr: { value: 71, ts: 1_800_000_001_000 } },
          lastSeen: new Date(1_800_000_001_000),
        },
      ]);
      const [device] = await devices.byRetiree(retiree.id);
      expect(device).toMatchObject({
        online: true,
        battery: 64,
        latest: { hr: { value: 71, ts: 1_800_000_001_000 } },
      });
      expect(device?.lastSeenAt).toBe(new Date(1_800_000_001_000).toISOString());
      await expect(
        devices.create({ id: `w-${engine.name.length}`, type: 'pendant.sos', secretHash: 'h' }),
      ).rejects.toSatisfy(isUniqueViolation);
    });

    it('keeps the newest battery level, whichever path wrote it last', async () => {
      const devices = new DeviceStore(db);
      const id = `order-${engine.name.length}`;
      await devices.create({ id, type: 'wearable.watch', secretHash: 'h' });
      const at = 1_800_000_200_000;
      // A status message says 80 % at once; the batch holding an older reading of 30 % comes later.
      await devices.setStatus(id, { online: true, battery: 80, at: new Date(at + 1000) });
      await devices.saveLatest([
        {
          id,
          latest: { battery: { value: 30, ts: at }, hr: { value: 70, ts: at } },
          lastSeen: new Date(at),
        },
      ]);
      expect(await devices.byId(id)).toMatchObject({ battery: 80 });
      // A newer level, on either path, replaces it; an older status message does not.
      await devices.saveLatest([
        { id, latest: { battery: { value: 75, ts: at + 2000 } }, lastSeen: new Date(at + 2000) },
      ]);
      await devices.setStatus(id, { online: true, battery: 90, at: new Date(at + 1500) });
      expect(await devices.byId(id)).toMatchObject({
        battery: 75,
        batteryAt: new Date(at + 2000).toISOString(),
      });
    });

    it('keeps the newest online state when status messages are written out of order', async () => {
      const devices = new DeviceStore(db);
      const id = `status-${engine.name.length}`;
      await devices.create({ id, type: 'pendant.sos', secretHash: 'h' });
      const at = 1_800_000_300_000;
      // Back online, written by one instance before another writes the will that came earlier.
      await devices.setStatus(id, { online: true, at: new Date(at + 1000) });
      await devices.setStatus(id, { online: false, at: new Date(at) });
      expect(await devices.byId(id)).toMatchObject({ online: true });
      await devices.setStatus(id, { online: false, at: new Date(at + 2000) });
      expect(await devices.byId(id)).toMatchObject({ online: false });
    });

    it('saves the latest readings of a large centre in chunks, every device once', async () => {
      const devices = new DeviceStore(db);
      const ids = Array.from({ length: 600 }, (_, i) => `many-${engine.name.length}-${i}`);
      for (const id of ids) await devices.create({ id, type: 'wearable.watch', secretHash: 'h' });
      const at = 1_800_000_100_000;
      await devices.saveLatest(
        ids.map((id, i) => ({
          id,
          latest: {
            hr: { value: 60 + (i % 40), ts: at + i },
            ...(i % 2 ? { battery: { value: 50, ts: at + i } } : {}),
          },
          lastSeen: new Date(at + i),
        })),
      );
      const rows = await db.query<{ id: string; hr: number; battery: number | null; seen: Date }>(
        `select id, (latest->'hr'->>'value')::int as hr, battery, last_seen_at as seen from devices
          where id like $1 order by id`,
        [`many-${engine.name.length}-%`],
      );
      expect(rows).toHaveLength(600);
      const byId = new Map(rows.map((row) => [row.id, row]));
      ids.forEach((id, i) => {
        expect(byId.get(id)).toMatchObject({ hr: 60 + (i % 40), battery: i % 2 ? 50 : null });
        expect(new Date(byId.get(id)?.seen ?? 0).getTime()).toBe(at + i);
      });
    });

    it('keeps one active alert per subject and kind, and records each device event once', async () => {
      const retiree = await new RetireeStore(db).create({
        name: '陈明',
        gender: 'male',
        birthDate: '1939-09-09',
      });
      await new DeviceStore(db).create({
        id: `p-${engine.name.length}`,
        type: 'pendant.sos',
        retireeId: retiree.id,
        secretHash: 'h',
      });
      const alerts = new AlertStore(db);
      const deviceId = `p-${engine.name.length}`;
      expect(await alerts.recordEvent(deviceId, 'e1', 'sos', new Date())).toBe(true);
      expect(await alerts.recordEvent(deviceId, 'e1', 'sos', new Date())).toBe(false);
      const base = {
        retireeId: retiree.id,
        deviceId,
        kind: 'sos',
        severity: 'critical' as const,
        subject: retiree.id,
        at: new Date(),
        eventId: 'e1',
        detail: {},
      };
      const id = await alerts.insert(base);
      await expect(alerts.insert({ ...base, eventId: 'e2' })).rejects.toSatisfy(isUniqueViolation);

      const users = new UserStore(db);
      const operator = await users.create({
        username: `op-${engine.name.length}`,
        displayName: '值班员',
        role: 'operator',
        passwordHash: 'x',
      });
      expect(
        await alerts.transition(id, ['open'], 'acknowledged', { at: new Date(), actorId: operator.id }),
      ).toBe(true);
      expect(
        await alerts.transition(id, ['open'], 'acknowledged', { at: new Date(), actorId: operator.id }),
      ).toBe(false);
      expect(
        await alerts.transition(id, ['open', 'acknowledged'], 'resolved', {
          at: new Date(),
          actorId: operator.id,
          outcome: 'test',
          note: 'n',
        }),
      ).toBe(true);
      const resolved = await alerts.byId(id);
      expect(resolved).toMatchObject({
        status: 'resolved',
        outcome: 'test',
        acknowledgedBy: '值班员',
        resolvedBy: '值班员',
      });
      // Once resolved, the subject may have a new active alert of the same kind.
      await alerts.insert({ ...base, eventId: 'e3' });
      expect((await alerts.list({ status: 'active', retireeId: retiree.id, limit: 10 })).length).toBe(1);
    });

    it('expires sessions', async () => {
      const users = new UserStore(db);
      const user = await users.create({
        username: `s-${engine.name.length}`,
        displayName: 'S',
        role: 'caseworker',
        passwordHash: 'x',
      });
      await users.createSession('token-hash-1', user.id, new Date(Date.now() + 60_000));
      expect((await users.sessionUser('token-hash-1', new Date()))?.id).toBe(user.id);
      expect(await users.sessionUser('token-hash-1', new Date(Date.now() + 120_000))).toBeNull();
    });
  });
}
