import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatteryRule, candidateFromEvent, OxygenRule } from '../../gateway/detect/rules.ts';
import { type DetectionContext, type DetectionSettings, inWindow } from '../../gateway/detect/settings.ts';
import { AbsenceWatch } from '../../gateway/detect/watch.ts';
import { AbsenceStore } from '../../server/store/absence.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { explaining } from '../helpers/plans.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2026-11-30 00:00 in Shanghai (16:00 UTC the day before). */
const MIDNIGHT = Date.UTC(2026, 10, 29, 16, 0, 0);
const at = (hours: number, minutes = 0) => MIDNIGHT + hours * HOUR + minutes * MINUTE;

const settings: DetectionSettings = {
  spo2Low: 90,
  spo2Consecutive: 2,
  batteryLow: 15,
  offlineAfterMs: { battery: 3 * HOUR, mains: 15 * MINUTE },
  offlineGraceMs: 2 * MINUTE,
  inactivityAfterMs: 4 * HOUR,
  day: { start: 8 * 60, end: 21 * 60 },
  bedExitAfterMs: 30 * MINUTE,
  night: { start: 22 * 60, end: 6 * 60 },
  utcOffsetMinutes: 480,
};

const RETIREE = '00000000-0000-4000-8000-000000000001';
const profiles: Record<string, { type: string; retireeId: string | null; power: 'battery' | 'mains' }> = {
  watch: { type: 'wearable.watch', retireeId: RETIREE, power: 'battery' },
  gas: { type: 'sensor.gas', retireeId: RETIREE, power: 'mains' },
  motion: { type: 'sensor.motion', retireeId: RETIREE, power: 'battery' },
  bed: { type: 'sensor.bed', retireeId: RETIREE, power: 'battery' },
};
const context: DetectionContext = {
  heartRateLimits: () => ({ low: 50, high: 120, consecutive: 3 }),
  profile: (deviceId) => profiles[deviceId],
  settings,
};

describe('time windows in Shanghai time', () => {
  it('knows day and night, across midnight', () => {
    expect(inWindow(at(8), settings.day, 480)).toBe(true);
    expect(inWindow(at(7, 59), settings.day, 480)).toBe(false);
    expect(inWindow(at(21), settings.day, 480)).toBe(false);
    expect(inWindow(at(23), settings.night, 480)).toBe(true);
    expect(inWindow(at(2), settings.night, 480)).toBe(true);
    expect(inWindow(at(6), settings.night, 480)).toBe(false);
  });
});

describe('event rules', () => {
  it('maps events to candidates; a service request and a cancel are no alert', () => {
    expect(candidateFromEvent('p', { id: 'e', type: 'sos', ts: 1 })).toStrictEqual({
      deviceId: 'p',
      ts: 1,
      eventId: 'e',
      kind: 'sos',
      severity: 'critical',
      detail: {},
    });
    expect(candidateFromEvent('p', { id: 'e', type: 'service_request', ts: 1 })).toBeNull();
    expect(candidateFromEvent('p', { id: 'e', type: 'cancel', ts: 1 })).toBeNull();
  });
});

describe('SpO2 and battery', () => {
  it('raises spo2_low after consecutive low readings only', () => {
    const rule = new OxygenRule(() => ({ low: 90, consecutive: 2 }));
    expect(rule.check('w', { spo2: 88 }, 1)).toBeNull();
    expect(rule.check('w', { spo2: 95 }, 2)).toBeNull();
    expect(rule.check('w', { spo2: 89 }, 3)).toBeNull();
    expect(rule.check('w', { spo2: 87 }, 4)).toStrictEqual({
      deviceId: 'w',
      kind: 'spo2_low',
      severity: 'high',
      ts: 4,
      detail: { spo2: 87, low: 90, consecutive: 2 },
    });
  });

  it('raises battery_low once, and again only after a recharge', () => {
    const rule = new BatteryRule(() => 15);
    expect(rule.check('w', 40, undefined, 1)).toBeNull();
    expect(rule.check('w', 15, undefined, 2)?.kind).toBe('battery_low');
    expect(rule.check('w', 12, undefined, 3)).toBeNull();
    expect(rule.check('w', 20, undefined, 4)).toBeNull();
    expect(rule.check('w', 12, undefined, 5)).toBeNull();
    expect(rule.check('w', 90, undefined, 6)).toBeNull();
    expect(rule.check('w', 14, undefined, 7)?.detail).toStrictEqual({ battery: 14, limit: 15 });
    expect(rule.check('z', undefined, true, 8)?.detail).toStrictEqual({ limit: 15 });
  });
});

await describeOnEngines((db) => {
  describe('absence rules, kept in the records', () => {
    beforeAll(async () => {
      await db.query(
        `insert into retirees (id, name, gender, birth_date) values ($1, 'x', 'male', '1940-01-01')`,
        [RETIREE],
      );
      for (const id of Object.keys(profiles))
        await db.query(`insert into devices (id, type, secret_hash, retiree_id) values ($1, $2, 'x', $3)`, [
          id,
          profiles[id]?.type,
          RETIREE,
        ]);
    });

    beforeEach(async () => {
      await db.query(
        `update devices set heard_at = null, silent_after = null, offline_since = null, silence_reported_at = null,
         bed_at = null, bed_exit_since = null, bed_exit_judged_at = null`,
      );
      await db.query('delete from retiree_activity');
    });

    /** A watch over the records, and its sweep at `now` after what it observed was written. */
    function watchOver() {
      const watch = new AbsenceWatch(context, new AbsenceStore(db));
      const check = async (now: number, kind?: string) => {
        await watch.flush();
        const due = await watch.check(now);
        return kind ? due.filter((candidate) => candidate.kind === kind) : due;
      };
      return { watch, check };
    }

    it('reports a silent device after its power source timeout, once, and again after it was heard', async () => {
      const { watch, check } = watchOver();
      watch.heard('watch', at(9));
      watch.heard('gas', at(9));
      expect(await check(at(9, 14))).toStrictEqual([]);
      expect((await check(at(9, 15))).map((c) => [c.deviceId, c.kind, c.detail.reason])).toStrictEqual([
        ['gas', 'device_offline', 'silent'],
      ]);
      expect(await check(at(11, 59))).toStrictEqual([]);
      expect((await check(at(12))).map((c) => c.deviceId)).toStrictEqual(['watch']);
      expect(await check(at(13))).toStrictEqual([]);
      watch.heard('gas', at(13));
      expect((await check(at(13, 20))).map((c) => c.deviceId)).toStrictEqual(['gas']);
    });

    it('reports a will message after the grace period unless the device came back', async () => {
      const { watch, check } = watchOver();
      watch.heard('watch', at(9));
      await watch.wentOffline('watch', at(10));
      expect(await check(at(10, 1))).toStrictEqual([]);
      watch.cameOnline('watch', at(10, 1));
      expect(await check(at(10, 5))).toStrictEqual([]);
      await watch.wentOffline('watch', at(11));
      const [candidate] = await check(at(11, 2));
      expect(candidate).toMatchObject({ deviceId: 'watch', kind: 'device_offline', severity: 'low' });
      expect(candidate?.detail.reason).toBe('disconnected');
    });

    it('measures silence from the last contact on record, and one sweep raises each alert once', async () => {
      const before = watchOver();
      before.watch.heard('gas', at(9));
      await before.watch.flush();
      // Another instance, or this one restarted: the contact is on record, not in its memory.
      const first = watchOver();
      const second = watchOver();
      const [a, b] = await Promise.all([first.check(at(9, 16)), second.check(at(9, 16))]);
      expect([...a, ...b].map((c) => c.deviceId)).toStrictEqual(['gas']);
      expect(await first.check(at(9, 30))).toStrictEqual([]);
    });

    it('writes the contacts of a large centre in several statements, none left out', async () => {
      const ids = Array.from({ length: 250 }, (_, n) => `bulk-${n}`);
      for (const id of ids)
        await db.query(`insert into devices (id, type, secret_hash) values ($1, 'pendant.sos', 'x')`, [id]);
      try {
        await new AbsenceStore(db).record({
          heard: ids.map((deviceId, n) => ({ deviceId, at: at(9) + n })),
          bed: [],
          activity: [],
        });
        const rows = await db.query<{ id: string; heard_at: Date | string }>(
          `select id, heard_at from devices where id like 'bulk-%' and heard_at is not null`,
        );
        expect(rows).toHaveLength(250);
        const last = rows.find((row) => row.id === 'bulk-249');
        expect(new Date(last?.heard_at ?? 0).getTime()).toBe(at(9) + 249);
      } finally {
        await db.query(`delete from devices where id like 'bulk-%'`);
      }
    });

    it('reports every silent device of a large centre in one sweep, read in batches', async () => {
      const count = 1_234;
      const ids = Array.from({ length: count }, (_, n) => `many-${n}`);
      await db.query(
        `insert into devices (id, type, secret_hash) select 'many-' || n, 'sensor.gas', 'x' from generate_series(0, $1 - 1) n`,
        [count],
      );
      for (const id of ids) profiles[id] = { type: 'sensor.gas', retireeId: null, power: 'mains' };
      try {
        const { watch, check } = watchOver();
        for (const id of ids) watch.heard(id, at(9));
        expect(await check(at(9, 5))).toStrictEqual([]);
        const due = await check(at(9, 15));
        expect(due).toHaveLength(count);
        expect(new Set(due.map((candidate) => candidate.deviceId))).toStrictEqual(new Set(ids));
        expect(await check(at(9, 16))).toStrictEqual([]);
      } finally {
        for (const id of ids) delete profiles[id];
        await db.query(`delete from devices where id like 'many-%'`);
      }
    });

    it('keeps a will taken while a sweep was looking at the device due after its grace period', async () => {
      const { watch, check } = watchOver();
      watch.heard('watch', at(9));
      await watch.flush();
      const store = new AbsenceStore(db);
      const [row] = await store.silences(at(10), 10);
      expect(row).toMatchObject({ deviceId: 'watch', offlineSince: null });
      // The will lands between the sweep's read and its next look, which is set from the read.
      await watch.wentOffline('watch', at(10));
      await store.lookAgain([{ deviceId: 'watch', at: at(12) }], settings.offlineGraceMs);
      expect(await check(at(10, 1))).toStrictEqual([]);
      expect((await check(at(10, 2))).map((c) => [c.deviceId, c.detail.reason])).toStrictEqual([
        ['watch', 'disconnected'],
      ]);
    });

    it('finds the devices due and the bed exits through their indexes, not by reading every device', async () => {
      await db.query(
        `insert into devices (id, type, secret_hash, heard_at, silent_after, bed_exit_since)
         select 'idx-' || n, 'sensor.bed', 'x', $1, $2, case when n % 2 = 0 then $1::timestamptz end
           from generate_series(1, 3000) n`,
        [new Date(at(9)).toISOString(), new Date(at(12)).toISOString()],
      );
      try {
        const { db: planned, plans } = explaining(db);
        await new AbsenceStore(planned).silences(at(10), 100);
        await new AbsenceStore(planned).bedExits(at(10), 100);
        const [silences, exits] = plans;
        expect(silences).toContain('devices_silent_after');
        expect(exits).toContain('devices_bed_exit_due');
        expect(plans.join('\n')).not.toContain('Seq Scan');
      } finally {
        await db.query(`delete from devices where id like 'idx-%'`);
      }
    });

    it("writes a chatty device's last contact only when it moves on by a hundredth of its limit", async () => {
      const { watch, check } = watchOver();
      // The gas sensor's limit is 15 min: a contact moves the one on record on by 9 s or more.
      for (let second = 0; second <= 60; second += 2) watch.heard('gas', at(9) + second * 1000);
      expect(await check(at(9, 15))).toStrictEqual([]);
      const [row] = await db.query<{ heard_at: Date }>(`select heard_at from devices where id = 'gas'`);
      expect(new Date(row?.heard_at ?? 0).getTime()).toBe(at(9, 1));
      watch.heard('gas', at(9, 1) + 4000);
      await watch.flush();
      const [same] = await db.query<{ heard_at: Date }>(`select heard_at from devices where id = 'gas'`);
      expect(new Date(same?.heard_at ?? 0).getTime()).toBe(at(9, 1));
      expect((await check(at(9, 16))).map((c) => c.deviceId)).toStrictEqual(['gas']);
    });

    it('reports no activity at home in the day, not at night', async () => {
      const { watch, check } = watchOver();
      watch.readings('motion', { motion: true }, at(7));
      expect(await check(at(10, 59), 'inactivity')).toStrictEqual([]);
      watch.heard('motion', at(10, 59));
      const [first] = await check(at(11), 'inactivity');
      expect(first).toMatchObject({ deviceId: 'motion', kind: 'inactivity', severity: 'medium' });
      expect(await check(at(12), 'inactivity')).toStrictEqual([]);
      // Motion re-arms; a quiet night is no alert.
      watch.readings('motion', { motion: true }, at(18));
      watch.heard('motion', at(23, 30));
      expect(await check(at(23, 30), 'inactivity')).toStrictEqual([]);
    });

    it('reports a night-time bed exit longer than the limit, not a morning rise', async () => {
      const { watch, check } = watchOver();
      watch.readings('bed', { bed_occupied: false }, at(2));
      expect(await check(at(2, 5), 'bed_exit_night')).toStrictEqual([]);
      // Still empty at the next reading: the exit began at the first.
      watch.readings('bed', { bed_occupied: false }, at(2, 10));
      expect(await check(at(2, 29), 'bed_exit_night')).toStrictEqual([]);
      const [exit] = await check(at(2, 30), 'bed_exit_night');
      expect(exit?.detail).toStrictEqual({ since: new Date(at(2)).toISOString(), minutes: 30 });
      expect(await check(at(2, 45), 'bed_exit_night')).toStrictEqual([]);
      // Back to bed and up again within one batch: the new exit starts when the bed emptied again.
      watch.readings('bed', { bed_occupied: true }, at(2, 40));
      watch.readings('bed', { bed_occupied: false }, at(7));
      expect(await check(at(8), 'bed_exit_night')).toStrictEqual([]);
      const [row] = await db.query<{ bed_exit_since: Date }>(
        `select bed_exit_since from devices where id = 'bed'`,
      );
      expect(new Date(row?.bed_exit_since ?? 0).getTime()).toBe(at(7));
    });

    it('keeps the newest bed reading when instances write out of order', async () => {
      const early = watchOver();
      const late = watchOver();
      late.watch.readings('bed', { bed_occupied: true }, at(3));
      await late.watch.flush();
      early.watch.readings('bed', { bed_occupied: false }, at(2));
      await early.watch.flush();
      expect(await late.check(at(4), 'bed_exit_night')).toStrictEqual([]);
    });
  });
});
