/**
 * A person's data through a real hub: the export holds what several modules, the telemetry store
 * (through the real writer), the attachment store and the audit log keep about one retiree; the
 * deletion on a decision leaves no row naming them anywhere in the schema, no telemetry, no file and
 * no retained message of their devices, while the tombstone, the receipt and the audit log stay.
 * Run on the embedded SQLite telemetry store and on a real influxd.
 *
 * Long on purpose: the export and the deletion are checked against the same retiree's data in
 * every module, seeded once.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centreDay } from '../../server/calendar.ts';
import { readCatalog, retireeTables } from '../../server/privacy/catalog.ts';
import { exportFileName } from '../../server/privacy/export.ts';
import type { Alert, CreatedDevice, Retiree } from '../../server/schemas/index.ts';
import type { DeletionReceipt } from '../../server/schemas/privacy.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';
import { type Influxd, influxdBinary, startInfluxd } from '../helpers/influxd.ts';

/** A whole 1×1 PNG: the hub checks the IHDR chunk behind the signature. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const today = centreDay(new Date());

interface Person {
  retiree: Retiree;
  watch: CreatedDevice;
  pendant: CreatedDevice;
  sensor: CreatedDevice;
  alert: Alert;
  attachmentId: string;
  familyToken: string;
}

/** Raw body upload (attachments) and raw download (the ZIP). */
async function raw(t: TestHub, method: string, url: string, body?: Buffer, type?: string, token = t.token) {
  const response = await fetch(`${t.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
    ...(body ? { body } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** Unpacked with the system's unzip: an implementation of the format that is not ours. */
function unzip(file: Buffer, dir: string): Map<string, Buffer> {
  fs.mkdirSync(dir, { recursive: true });
  const zipPath = path.join(dir, 'export.zip');
  fs.writeFileSync(zipPath, file);
  execFileSync('unzip', ['-q', '-o', zipPath, '-d', path.join(dir, 'out')]);
  const files = new Map<string, Buffer>();
  const walk = (folder: string, prefix: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else files.set(`${prefix}${entry.name}`, fs.readFileSync(full));
    }
  };
  walk(path.join(dir, 'out'), '');
  return files;
}

const parse = <T = Record<string, unknown>[]>(files: Map<string, Buffer>, name: string): T =>
  JSON.parse(files.get(name)?.toString('utf8') ?? 'null') as T;

/** Everything a retiree leaves across the modules, most of it through the API as staff would. */
async function populate(t: TestHub, bridge: MqttClient, bridgeId: string, label: string): Promise<Person> {
  const retiree = await t.addRetiree({ name: `隐私测试${label}` });
  const watch = await t.addDevice('wearable.watch', retiree.id);
  const pendant = await t.addDevice('pendant.sos', retiree.id);
  const sensorCreated = await t.api<CreatedDevice>('POST', '/api/devices', {
    id: `z-sos-${label}`,
    type: 'zigbee.TS0215A_sos',
    bridgeId,
    friendlyName: `${label}/sos`,
    retireeId: retiree.id,
  });
  expect(sensorCreated.status, JSON.stringify(sensorCreated.body)).toBe(201);
  const watchClient = await t.connectDevice(watch);
  // Two readings a second apart: InfluxDB keeps one point per series and millisecond.
  const now = Date.now();
  await publish(watchClient, `eldercare/v1/${watch.device.id}/telemetry`, {
    hr: 72,
    spo2: 97,
    ts: now - 1000,
  });
  await publish(watchClient, `eldercare/v1/${watch.device.id}/telemetry`, { hr: 74, steps: 1200, ts: now });
  await publish(
    watchClient,
    `eldercare/v1/${watch.device.id}/status`,
    { online: true, battery: 81 },
    1,
    true,
  );
  await publish(bridge, `zigbee2mqtt/${label}/sos/availability`, { state: 'online' }, 1, true);

  const pendantClient = await t.connectDevice(pendant);
  await publish(pendantClient, `eldercare/v1/${pendant.device.id}/event`, {
    id: `sos-${label}`,
    type: 'sos',
  });
  const alert = await eventually(
    async () => (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body[0],
  );
  expect((await t.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);

  const modules: [string, unknown][] = [
    ['/api/benefits', { retireeId: retiree.id, kind: 'nursing_fee', monthlyAmountFen: 120_000 }],
    [
      '/api/care/arrangements',
      {
        retireeId: retiree.id,
        type: 'institution',
        provider: '市第一社会福利院',
        careLevel: 'severe',
        startOn: today,
      },
    ],
    [
      '/api/medical/health-checks',
      { retireeId: retiree.id, checkedOn: today, hospital: '市二医院', summary: '血压偏高' },
    ],
    [`/api/medical/records/${retiree.id}/items`, { kind: 'allergy', name: '青霉素' }],
  ];
  for (const [url, body] of modules) {
    const created = await t.api('POST', url, body);
    expect(created.status, `${url}: ${JSON.stringify(created.body)}`).toBe(201);
  }
  expect(
    (await t.api('PATCH', `/api/archive/retirees/${retiree.id}`, { hobbies: '书法、太极' })).status,
  ).toBe(200);
  const attachment = await raw(
    t,
    'POST',
    `/api/archive/retirees/${retiree.id}/attachments?name=${encodeURIComponent('体检报告.png')}`,
    PNG,
    'image/png',
  );
  expect(attachment.status).toBe(201);
  const familyToken = await t.addFamily(retiree, `family-${label}`);
  const channel = await t.api(
    'POST',
    `/api/retirees/${retiree.id}/contacts/${retiree.contacts[0]?.id}/channels`,
    {
      kind: 'email',
      target: `daughter-${label}@example.com`,
    },
  );
  expect(channel.status, JSON.stringify(channel.body)).toBe(201);
  // Telemetry is in the store once the writer has flushed.
  await eventually(async () => {
    const stored = await t.hub.telemetry.readSeries({ deviceIds: [watch.device.id] });
    return stored.length >= 4;
  });
  return {
    retiree,
    watch,
    pendant,
    sensor: sensorCreated.body,
    alert,
    attachmentId: (JSON.parse(attachment.bytes.toString()) as { id: string }).id,
    familyToken,
  };
}

/** A telemetry store that can be stopped and started again, to play an outage. */
interface Outage {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

function privacySuite(name: string, env: () => Record<string, string>, outage?: () => Outage) {
  describe(`a person's data (${name})`, () => {
    let t: TestHub;
    let bridge: MqttClient;
    let person: Person;
    let other: Person;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      t = await startTestHub(env());
      const created = await t.api<CreatedDevice>('POST', '/api/devices', {
        id: 'bridge-p',
        type: 'bridge.zigbee2mqtt',
      });
      bridge = await t.connectDevice(created.body);
      person = await populate(t, bridge, 'bridge-p', 'a');
      other = await populate(t, bridge, 'bridge-p', 'b');
      for (const role of ['supervisor', 'caseworker', 'operator']) {
        tokens[role] = (await t.addStaff(`privacy-${role}`, role)).token;
      }
    });

    afterAll(() => t?.stop());

    it('exports everything held about the retiree as a ZIP, to admins and supervisors with a reason', async () => {
      const url = `/api/privacy/retirees/${person.retiree.id}/export`;
      for (const role of ['caseworker', 'operator']) {
        expect((await raw(t, 'GET', `${url}?reason=核对`, undefined, undefined, tokens[role])).status).toBe(
          403,
        );
      }
      expect(
        (await raw(t, 'GET', `${url}?reason=核对`, undefined, undefined, person.familyToken)).status,
      ).toBe(403);
      const noReason = await raw(t, 'GET', url, undefined, undefined, tokens.supervisor);
      expect(noReason.status).toBe(400);
      expect(JSON.parse(noReason.bytes.toString()).message).toContain('说明事由');

      const response = await raw(
        t,
        'GET',
        `${url}?reason=${encodeURIComponent('本人申请查阅')}`,
        undefined,
        undefined,
        tokens.supervisor,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/zip');
      expect(response.headers.get('content-disposition')).toContain(
        `retiree-${person.retiree.id}-${today.replace(/-/g, '')}.zip`,
      );
      const files = unzip(response.bytes, path.join(t.dataDir.path, 'unzipped-export'));

      const manifest = parse<{
        retireeId: string;
        reason: string;
        contents: { records: Record<string, number> };
      }>(files, 'manifest.json');
      expect(manifest.retireeId).toBe(person.retiree.id);
      expect(manifest.reason).toBe('本人申请查阅');
      expect(parse<{ name: string }>(files, 'retiree.json').name).toBe('隐私测试a');
      // Several modules, found from the schema: contacts, devices, alerts and steps, history, benefits…
      const records = manifest.contents.records;
      for (const table of [
        'contacts',
        'devices',
        'alerts',
        'alert_steps',
        'archive_changes',
        'archive_attachments',
        'benefits',
        'care_arrangements',
        'health_checks',
        'health_record_items',
        'family_links',
      ]) {
        expect(records[table], table).toBeGreaterThan(0);
        expect(files.has(`records/${table}.json`), table).toBe(true);
      }
      expect(
        parse(files, 'records/devices.json')
          .map((d) => d.id)
          .sort(),
      ).toStrictEqual([person.watch.device.id, person.pendant.device.id, person.sensor.device.id].sort());
      expect(parse(files, 'records/alert_steps.json').map((s) => s.alert_id)).toContain(person.alert.id);
      expect(parse(files, 'records/archive_changes.json').some((c) => c.new_value === '书法、太极')).toBe(
        true,
      );
      expect(parse(files, 'records/health_record_items.json')[0]).toMatchObject({ name: '青霉素' });
      const accounts = parse(files, 'records/family_accounts.json');
      expect(accounts.map((a) => a.username)).toStrictEqual(['family-a']);
      expect(Object.keys(accounts[0] ?? {}).some((key) => /password|totp/.test(key))).toBe(false);
      // Nothing of the other retiree.
      for (const [name, data] of files) {
        if (name.endsWith('.json') || name.endsWith('.csv')) {
          expect(data.toString('utf8').includes(other.retiree.id), name).toBe(false);
        }
      }
      const csv = files.get('telemetry/readings.csv')?.toString('utf8').trim().split('\n') ?? [];
      expect(csv[0]).toBe('time,ts_ms,device_id,device_type,retiree_id,field,value');
      const values = csv.slice(1).map((line) => line.split(','));
      expect(
        values.filter((v) => v[2] === person.watch.device.id && v[5] === 'hr').map((v) => v[6]),
      ).toStrictEqual(['72', '74']);
      const attachment = [...files.keys()].find((key) => key === `attachments/${person.attachmentId}.png`);
      expect(attachment).toBeDefined();
      expect(files.get(attachment as string)).toStrictEqual(PNG);
      const audit = parse(files, 'audit/audit_log.json');
      expect(audit.length).toBeGreaterThan(0);
      expect(
        audit.every(
          (entry) => entry.retiree_id === person.retiree.id || entry.target_id === person.retiree.id,
        ),
      ).toBe(true);
    });

    it('refuses a deletion to every role but admin, without a full decision, and while an alert is active', async () => {
      const url = `/api/privacy/retirees/${person.retiree.id}/deletion`;
      const decision = {
        decisionRef: '军休〔2026〕12号',
        decidedBy: '中心主任办公会',
        reason: '本人申请删除个人信息',
      };
      for (const role of ['supervisor', 'caseworker', 'operator']) {
        expect((await t.api('POST', url, decision, tokens[role])).status).toBe(403);
      }
      expect((await t.api('POST', url, decision, person.familyToken)).status).toBe(403);
      const incomplete = await t.api<{ fields: { field: string; message: string }[] }>('POST', url, {
        decisionRef: ' ',
        reason: '删',
      });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.fields.map((f) => f.field)).toStrictEqual([
        'decisionRef',
        'decidedBy',
        'reason',
      ]);
      const active = await t.api<{ message: string }>('POST', url, decision);
      expect(active.status).toBe(409);
      expect(active.body.message).toContain('未结束的告警');
      // Nothing changed: the record is still there.
      expect((await t.api('GET', `/api/retirees/${person.retiree.id}`)).status).toBe(200);
      expect((await t.api('GET', '/api/privacy/receipts')).body).toStrictEqual({ items: [] });
    });

    // Only a store that can be stopped plays the outage; the embedded one has no such test at all.
    if (outage)
      it('refuses with 503 and changes nothing while the telemetry store does not answer', async () => {
        const store = (outage as () => Outage)();
        const id = person.retiree.id;
        expect(
          (await t.api('POST', `/api/alerts/${person.alert.id}/resolve`, { outcome: 'test', note: '演练' }))
            .status,
        ).toBe(200);
        await store.pause();
        try {
          const decision = {
            decisionRef: '军休〔2026〕13号',
            decidedBy: '中心主任办公会',
            reason: '本人申请删除个人信息',
          };
          const refused = await t.api<{ message: string }>(
            'POST',
            `/api/privacy/retirees/${id}/deletion`,
            decision,
          );
          expect(refused.status).toBe(503);
          expect(refused.body.message).toContain('未作任何改动');
          expect((await t.api('GET', `/api/retirees/${id}`)).status).toBe(200);
          // Their devices still work: nothing was revoked.
          const client = await t.connectDevice(person.watch);
          await client.endAsync();
          expect(
            await t.hub.db.query('select 1 from privacy_tombstones where retiree_id = $1', [id]),
          ).toStrictEqual([]);
        } finally {
          await store.resume();
        }
        await eventually(() => t.hub.telemetry.ping(), 15_000);
      });

    it('deletes the person across every store on a decision, keeping the tombstone, the receipt and the audit log', async () => {
      const id = person.retiree.id;
      const resolved = await t.api('POST', `/api/alerts/${person.alert.id}/resolve`, {
        outcome: 'test',
        note: '演练',
      });
      // Resolved here, or already in the outage test before.
      expect([200, 409]).toContain(resolved.status);
      // The retained status exists before, as a new subscriber of the bridge sees for the sensor.
      expect(await retained(bridge, `zigbee2mqtt/a/sos/availability`)).toBe(true);

      const decision = {
        decisionRef: '军休〔2026〕12号',
        decidedBy: '中心主任办公会',
        reason: '本人申请删除个人信息',
      };
      const response = await t.api<DeletionReceipt>('POST', `/api/privacy/retirees/${id}/deletion`, decision);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const receipt = response.body;
      expect(receipt.decision).toStrictEqual(decision);
      expect(receipt.retireeId).toBe(id);
      expect(receipt.removed.records.tables.retirees).toStrictEqual({ deleted: 1, detached: 0 });
      expect(receipt.removed.records.tables.alert_steps?.deleted).toBeGreaterThan(0);
      // A family member's e-mail channel names its contact by a checked reference: it goes with it.
      expect(receipt.removed.records.tables.notification_channels).toStrictEqual({ deleted: 1, detached: 0 });
      expect(receipt.removed.telemetry.values).toBeGreaterThanOrEqual(4);
      expect(receipt.removed.attachments).toStrictEqual({ files: 1, bytes: PNG.length });
      // Their devices' statuses (the revocation's last word included) and the sensor's availability.
      const topics = receipt.removed.mqtt.retainedTopics;
      expect(topics).toContain(`eldercare/v1/${person.watch.device.id}/status`);
      expect(topics).toContain('zigbee2mqtt/a/sos/availability');
      const theirs = [person.watch, person.pendant, person.sensor].map((d) => `eldercare/v1/${d.device.id}/`);
      expect(
        topics.every(
          (topic) => topic === 'zigbee2mqtt/a/sos/availability' || theirs.some((p) => topic.startsWith(p)),
        ),
      ).toBe(true);
      expect(receipt.removed.familyAccountsDisabled).toBe(1);

      // No row names them anywhere in the schema (but the audit log and the privacy records).
      const catalog = await readCatalog(t.hub.db);
      for (const table of retireeTables(catalog)) {
        const [row] = await t.hub.db.query<{ n: number }>(
          `select count(*)::int as n from "${table}" where retiree_id = $1`,
          [id],
        );
        expect(row?.n, table).toBe(0);
      }
      expect(await t.hub.db.query('select 1 from retirees where id = $1', [id])).toStrictEqual([]);
      expect(
        await t.hub.db.query('select 1 from alert_steps where alert_id = $1', [person.alert.id]),
      ).toStrictEqual([]);
      expect(
        await t.hub.db.query('select 1 from devices where id = $1', [person.watch.device.id]),
      ).toStrictEqual([]);
      expect(
        await t.hub.db.query('select 1 from notification_channels where target = $1', [
          'daughter-a@example.com',
        ]),
      ).toStrictEqual([]);
      expect(
        (
          await t.hub.db.query('select 1 from notification_channels where target = $1', [
            'daughter-b@example.com',
          ])
        ).length,
      ).toBe(1);
      // The other retiree keeps everything.
      expect((await t.api('GET', `/api/retirees/${other.retiree.id}`)).status).toBe(200);
      expect((await t.api<Alert[]>('GET', `/api/alerts?retireeId=${other.retiree.id}`)).body).toHaveLength(1);

      // Telemetry: nothing of theirs answers a query; the other's is there.
      expect(
        await t.hub.telemetry.readSeries({ deviceIds: [person.watch.device.id], retireeIds: [id] }),
      ).toStrictEqual([]);
      expect(
        (await t.hub.telemetry.readSeries({ retireeIds: [other.retiree.id] })).length,
      ).toBeGreaterThanOrEqual(4);

      // No file, and no retained message for a new subscriber.
      expect(fs.existsSync(path.join(t.dataDir.path, 'attachments', id))).toBe(false);
      expect(
        fs.existsSync(path.join(t.dataDir.path, 'attachments', other.retiree.id, other.attachmentId)),
      ).toBe(true);
      expect(await retained(bridge, `zigbee2mqtt/a/sos/availability`)).toBe(false);
      expect(await retained(bridge, `zigbee2mqtt/b/sos/availability`)).toBe(true);

      // The family account is closed; their devices open nothing.
      expect((await t.api('GET', '/api/family/status', undefined, person.familyToken)).status).toBe(401);
      await expect(t.connectDevice(person.watch)).rejects.toThrow();

      // What stays: the tombstone, the receipt, the audit entries.
      const [tombstone] = await t.hub.db.query<Record<string, unknown>>(
        'select * from privacy_tombstones where retiree_id = $1',
        [id],
      );
      expect(tombstone).toMatchObject({
        decision_ref: '军休〔2026〕12号',
        decided_by: '中心主任办公会',
        receipt_id: receipt.id,
      });
      const receipts = await t.api<{ items: { id: string; kind: string; detail: DeletionReceipt }[] }>(
        'GET',
        '/api/privacy/receipts',
      );
      expect(receipts.body.items[0]?.id).toBe(receipt.id);
      expect(receipts.body.items[0]?.detail).toStrictEqual(receipt);
      const audit = await t.hub.db.query<{ action: string }>(
        'select action from audit_log where retiree_id = $1 order by seq',
        [id],
      );
      expect(audit.map((entry) => entry.action)).toContain('delete');
      expect(audit.map((entry) => entry.action)).toContain('export');

      // Gone means gone: a second deletion or an export answers 404.
      expect((await t.api('POST', `/api/privacy/retirees/${id}/deletion`, decision)).status).toBe(404);
      expect((await raw(t, 'GET', `/api/privacy/retirees/${id}/export?reason=核对`)).status).toBe(404);
    });
  });
}

/** Whether a new subscription of the bridge to `topic` gets a retained message. */
async function retained(bridge: MqttClient, topic: string): Promise<boolean> {
  let seen = false;
  const listener = (received: string, _payload: Buffer, packet: { retain?: boolean }) => {
    if (received === topic && packet.retain) seen = true;
  };
  bridge.on('message', listener);
  await bridge.subscribeAsync(topic, { qos: 1 });
  // Retained messages follow the SUBACK; a QoS 1 round trip after it has them in.
  await bridge.publishAsync('zigbee2mqtt/bridge/state', JSON.stringify({ state: 'online' }), { qos: 1 });
  await bridge.unsubscribeAsync(topic);
  bridge.off('message', listener);
  return seen;
}

privacySuite('embedded telemetry store', () => ({}));

let influxd: Influxd | null = null;
describe('the export file', () => {
  it("is named by the centre's date", () => {
    // 16:30 UTC is half past midnight in Beijing: the next day there.
    expect(exportFileName('r-1', new Date('2026-02-28T16:30:00Z'))).toBe('retiree-r-1-20260301.zip');
    expect(exportFileName('r-1', new Date('2026-02-28T15:59:00Z'))).toBe('retiree-r-1-20260228.zip');
  });
});

describe.skipIf(!influxdBinary())('on InfluxDB 1.x', () => {
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(() => influxd?.stop());
  privacySuite(
    'InfluxDB 1.x',
    () => ({ HUB_INFLUX_URL: `${influxd?.url}/junxiu_privacy_hub` }),
    () => influxd as Influxd,
  );
});
