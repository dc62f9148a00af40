/**
 * The per-reading runs shared by instances through a real Redis (HUB_REDIS_URL): an external
 * broker shares a device's readings out among the instances one message at a time, and a run of
 * high heart-rate readings split between them is still one run. A hub, and beside it a second
 * instance's detector on its own bus over the same records and Redis, as another process would
 * have it.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import { Detector } from '../../gateway/index.ts';
import { RedisRuns } from '../../server/cluster/redis-runs.ts';
import type { Alert } from '../../server/schemas/index.ts';
import { AbsenceStore } from '../../server/store/absence.ts';
import { eventually, metricValue, publish, startTestHub, type TestHub } from '../helpers/hub.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';
import { freePort } from '../helpers/tmp.ts';

const redis: RedisServer | null = await startRedis();
afterAll(async () => redis?.stop());

const settings = {
  spo2Low: 90,
  spo2Consecutive: 2,
  batteryLow: 15,
  offlineAfterMs: { battery: 3_600_000, mains: 900_000 },
  offlineGraceMs: 120_000,
  inactivityAfterMs: 4 * 3_600_000,
  day: { start: 8 * 60, end: 21 * 60 },
  bedExitAfterMs: 30 * 60_000,
  night: { start: 22 * 60, end: 6 * 60 },
  utcOffsetMinutes: 480,
};

describe.skipIf(redis === null)('per-reading runs shared by hub instances', () => {
  let t: TestHub;
  let reader: Redis;
  const clients: Redis[] = [];
  const detectors: Detector[] = [];

  /** Another instance's detector: its own bus, the hub's records, the shared Redis at `url`. */
  function instance(url: string, onError: (error: unknown) => void = () => {}) {
    const bus = new EventBus();
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => 200 });
    client.on('error', () => {});
    clients.push(client);
    const detector = new Detector(
      bus,
      {
        heartRateLimits: () => ({ low: 50, high: 120, consecutive: 3 }),
        profile: () => ({ type: 'wearable.watch', retireeId: null, power: 'battery' }),
        settings,
      },
      new AbsenceStore(t.hub.db),
      { sharedRuns: new RedisRuns(client, { prefix: 'junxiu-hub:runs', onError }), onError: () => {} },
    );
    detector.start();
    detectors.push(detector);
    const raised: AlertCandidate[] = [];
    bus.on('alert.candidate', 'test', (candidate) => {
      raised.push(candidate);
    });
    const reading = (deviceId: string, hr: number) =>
      bus.emitAndWait('device.telemetry', {
        deviceId,
        deviceType: 'wearable.watch',
        ts: Date.now(),
        readings: { hr },
      });
    return { raised, reading };
  }

  beforeAll(async () => {
    t = await startTestHub({ HUB_REDIS_URL: (redis as RedisServer).url });
    reader = new Redis((redis as RedisServer).url);
    clients.push(reader);
  });

  afterAll(async () => {
    for (const detector of detectors) await detector.stop();
    for (const client of clients) client.disconnect();
    await t?.stop();
  });

  it('raises hr_high on the third high reading when the readings reached two instances in turn', async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('wearable.watch', retiree.id);
    const id = created.device.id;
    const device = await t.connectDevice(created);
    const other = instance((redis as RedisServer).url);
    const highAlerts = async () =>
      (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body.filter(
        (alert) => alert.kind === 'hr_high',
      );
    const topic = `eldercare/v1/${id}/telemetry`;
    const held = async () => {
      const runs = await reader.get(`junxiu-hub:runs:${id}`);
      return runs ? (JSON.parse(runs) as { hr?: { streak?: { count: number } } }) : null;
    };
    await publish(device, topic, { hr: 150 });
    // The hub judged the first reading: the run it keeps in Redis counts one.
    await eventually(async () => (await held())?.hr?.streak?.count === 1);
    await other.reading(id, 151);
    expect((await held())?.hr?.streak?.count).toBe(2);
    expect(other.raised).toStrictEqual([]);
    await publish(device, topic, { hr: 152 });
    const [alert] = await eventually(async () => {
      const alerts = await highAlerts();
      return alerts.length ? alerts : undefined;
    });
    expect(alert?.detail).toMatchObject({ hr: 152, consecutive: 3 });
    expect(other.raised).toStrictEqual([]);
    device.end(true);
  });

  it('counts readings of one device taken at once by two instances as one run', async () => {
    const url = (redis as RedisServer).url;
    const [a, b] = [instance(url), instance(url)];
    const id = 'shared-run-watch';
    // Nine high readings, taken at once in turn by the two: three runs of three.
    await Promise.all(Array.from({ length: 9 }, (_, n) => (n % 2 === 0 ? a : b).reading(id, 130 + n)));
    expect([...a.raised, ...b.raised].map((candidate) => candidate.kind)).toStrictEqual([
      'hr_high',
      'hr_high',
      'hr_high',
    ]);
  });

  it("judges with the instance's own memory while Redis does not answer, and counts it", async () => {
    const errors: unknown[] = [];
    const away = instance(`redis://127.0.0.1:${await freePort()}`, (error) => errors.push(error));
    for (const hr of [140, 141, 142]) await away.reading('lonely-watch', hr);
    expect(away.raised.map((candidate) => candidate.kind)).toStrictEqual(['hr_high']);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    // On the hub itself, the counter of such readings is exported.
    expect(await metricValue(t, 'hub_detect_runs_redis_fallbacks_total')).toBe(0);
  });
});
