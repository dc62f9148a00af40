/**
 * A notice outlives the process sending it (server/notify/outbox.ts): a retry waiting when the hub
 * is killed is made by the next start; deliveries beyond what fits in memory wait in the records
 * instead of failing; and the outbox hands each row to one instance, taking those of an instance
 * gone quiet and of none still heard from.
 */
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { NotificationOutbox, type OutboxJob } from '../../server/notify/outbox.ts';
import type { Alert, CreatedChannel, Delivery } from '../../server/schemas/index.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import {
  eventually,
  metricValue,
  pressSos,
  retireeInput,
  startTestHub,
  type TestHub,
} from '../helpers/hub.ts';
import { type HubProcess, spawnHub } from '../helpers/hub-process.ts';
import { freePort, makeTempDir, type TempDir } from '../helpers/tmp.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook.ts';

const SECRET = 'outbox-webhook-secret';
const allowLoopback = { HUB_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32' };

describe('a retry waiting when the hub is killed (kill -9) is made by the next start', () => {
  let receiver: WebhookReceiver;
  let dir: TempDir;
  let hub: HubProcess | undefined;

  beforeAll(async () => {
    // Busy once (500: retryable), then 200.
    receiver = await startWebhookReceiver(SECRET, [500]);
    dir = await makeTempDir('junxiu-outbox-');
  });
  afterAll(async () => {
    await hub?.kill();
    await receiver?.stop();
    await dir?.remove();
  });

  it('sends the second attempt once, from the hub started again', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const start = () =>
      spawnHub({
        dataDir: dir.path,
        httpPort,
        mqttPort,
        env: { ...allowLoopback, HUB_WEBHOOK_RETRY_DELAYS: '0,4000' },
      });
    hub = await start();
    const first = hub;
    const created = await first.api<{ id: string; contacts: { id: string }[] }>(
      'POST',
      '/api/retirees',
      retireeInput('外出老人'),
    );
    const retiree = created.body;
    const channel = await first.api<CreatedChannel>(
      'POST',
      `/api/retirees/${retiree.id}/contacts/${retiree.contacts[0]?.id}/channels`,
      { kind: 'webhook', target: receiver.url, minSeverity: 'low' },
    );
    expect(channel.status).toBe(201);
    const device = await first.addDevice('outbox-pendant', 'pendant.sos', retiree.id);
    const client = await mqtt.connectAsync(first.mqttUrl, {
      clientId: device.device.id,
      username: device.device.id,
      password: device.secret,
    });
    await client.publishAsync(
      `eldercare/v1/${device.device.id}/event`,
      JSON.stringify({ id: 'outbox-sos-1', type: 'sos', ts: Date.now() }),
      { qos: 1 },
    );
    await client.endAsync(true);
    const alert = await eventually(async () => {
      const list = await first.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body[0];
    });
    const log = async (api: HubProcess['api']) =>
      (await api<Delivery[]>('GET', `/api/alerts/${alert.id}/deliveries`)).body.map((entry) => [
        entry.attempt,
        entry.status,
      ]);
    // The first attempt met a busy gateway; the second is due 4 s later, and the hub dies first.
    await eventually(async () => (await log(first.api)).length === 1, 20_000);
    expect(await log(first.api)).toStrictEqual([[1, 'retrying']]);
    await first.kill();
    expect(receiver.hooks).toHaveLength(1);

    hub = await start();
    const second = hub;
    await eventually(async () => (await log(second.api)).length === 2, 30_000);
    expect(await log(second.api)).toStrictEqual([
      [1, 'retrying'],
      [2, 'sent'],
    ]);
    expect(receiver.hooks.map((hook) => hook.answered)).toStrictEqual([500, 200]);
    // The process that sends the second attempt is another, the delivery the same.
    expect(new Set(receiver.hooks.map((hook) => hook.delivery)).size).toBe(1);
    expect(await metricValue(second, 'hub_notify_deliveries_resumed_total')).toBe(1);
  }, 120_000);
});

describe('deliveries beyond what fits in memory (HUB_NOTIFY_QUEUE) wait in the records', () => {
  let receiver: WebhookReceiver;
  let t: TestHub;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    t = await startTestHub({ ...allowLoopback, HUB_NOTIFY_QUEUE: '1' });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  it('sends every one, none logged as failed', async () => {
    const retiree = await t.addRetiree({
      contacts: [
        { name: '长子', relation: '儿子', phone: '13800000001' },
        { name: '次子', relation: '儿子', phone: '13800000002' },
        { name: '女儿', relation: '女儿', phone: '13800000003' },
      ],
    });
    for (const contact of retiree.contacts) {
      const added = await t.api('POST', `/api/retirees/${retiree.id}/contacts/${contact.id}/channels`, {
        kind: 'webhook',
        target: receiver.url,
        minSeverity: 'low',
      });
      expect(added.status).toBe(201);
    }
    const alert = await pressSos(t, retiree, 'outbox-queue-sos');
    const deliveries = await eventually(async () => {
      const log = (await t.api<Delivery[]>('GET', `/api/alerts/${alert.id}/deliveries`)).body;
      return log.length === 3 ? log : undefined;
    }, 20_000);
    expect(deliveries.map((entry) => [entry.attempt, entry.status])).toStrictEqual([
      [1, 'sent'],
      [1, 'sent'],
      [1, 'sent'],
    ]);
    expect(receiver.hooks).toHaveLength(3);
    await eventually(async () => (await t.hub.notifications.unfinished()) === 0);
    // Two of the three were taken from the outbox as the one place in memory came free.
    expect(await metricValue(t, 'hub_notify_deliveries_resumed_total')).toBe(2);
  });
});

await describeOnEngines((db: Database) => {
  const live = '00000000-0000-4000-8000-00000000000a';
  const other = '00000000-0000-4000-8000-00000000000b';
  const gone = '00000000-0000-4000-8000-00000000000c';
  let jobs: OutboxJob[];

  beforeAll(async () => {
    await db.query(
      "insert into devices (id, type, secret_hash) values ('outbox-unit-pendant', 'pendant.sos', 'x')",
    );
    const [alert] = await db.query<{ id: string }>(
      `insert into alerts (id, device_id, kind, severity, status, subject, opened_at, last_at)
       values (gen_random_uuid(), 'outbox-unit-pendant', 'sos', 'critical', 'open', 'outbox-unit-pendant', now(), now())
       returning id`,
    );
    const channels = await db.query<{ id: string }>(
      `insert into notification_channels (id, audience, kind, target, min_severity)
       select gen_random_uuid(), 'on_duty', 'webhook', 'https://hooks.example.cn/' || g, 'low'
         from generate_series(1, 4) g returning id`,
    );
    jobs = channels.map((channel, index) => ({
      channel: { id: channel.id, target: `https://hooks.example.cn/${index}` } as OutboxJob['channel'],
      context: {
        event: {
          reason: 'opened',
          alert: { id: alert?.id, note: '老人说 "胸口疼" \\ 急' } as never,
          audiences: [],
        },
        handledBy: null,
        centre: { name: '芳草街军休服务中心', phone: '028-85550000' },
        publicUrl: undefined,
      },
    }));
    await db.query(
      `insert into hub_instances (id, host, pid, broker, seen_at) values
         ($1, 'one', 1, 'external', now()), ($2, 'two', 2, 'external', now() - interval '1 hour'),
         ($3, 'three', 3, 'external', now())`,
      [live, gone, other],
    );
  });
  afterEach(async () => {
    await db.query('delete from notification_outbox');
  });

  const outbox = (instanceId: string) => new NotificationOutbox(db, { instanceId, staleMs: 15_000 });

  it('gives another instance only the rows held by nobody while their holder is heard from', async () => {
    const written = await outbox(live).add(jobs, 2, 0);
    const taken = await outbox(other).take(10);
    expect(taken.map((entry) => entry.id).sort()).toStrictEqual(
      written
        .slice(2)
        .map((entry) => entry.id)
        .sort(),
    );
    // The job comes back as written, quotes, backslashes and Chinese included.
    expect(taken[0]?.context.event.alert).toMatchObject({ note: '老人说 "胸口疼" \\ 急' });
    expect(await outbox(other).take(10)).toStrictEqual([]);
    expect(await outbox(live).take(10)).toStrictEqual([]);
  });

  it('takes the rows of an instance gone quiet, once each, and none not due yet', async () => {
    const held = await outbox(gone).add(jobs.slice(0, 2), 2, 0);
    await outbox(gone).add(jobs.slice(2), 0, 60_000);
    const [a, b] = await Promise.all([outbox(live).take(1), outbox(other).take(10)]);
    const ids = [...(a ?? []), ...(b ?? [])].map((entry) => entry.id).sort();
    expect(ids).toStrictEqual(held.map((entry) => entry.id).sort());
  });

  it('moves a row on to its next attempt, lets it go when the holder stops, and takes it out when done', async () => {
    const [entry] = await outbox(live).add(jobs.slice(0, 1), 1, 0);
    const id = entry?.id ?? '';
    await outbox(live).setLink(id, 'https://hub.example.cn/m/token');
    await db.transaction((tx) => outbox(live).retryLater(tx, id, 2, 0));
    expect(await outbox(other).take(10)).toStrictEqual([]);
    await outbox(live).release([id]);
    const [taken] = await outbox(other).take(10);
    expect(taken).toMatchObject({ id, attempt: 2, link: 'https://hub.example.cn/m/token' });
    // Only its holder lets a row go.
    await outbox(live).release([id]);
    expect(await outbox(live).take(10)).toStrictEqual([]);
    await db.transaction((tx) => outbox(other).finish(tx, id));
    expect(await outbox(other).size()).toBe(0);
  });
});
