import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertBulkAnswer } from '../../server/schemas/alerts-bulk.ts';
import type { Alert, AlertStep, Retiree } from '../../server/schemas/index.ts';
import { addStations, eventually, metricValue, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('bulk acknowledge and resolve with one note', () => {
  const t = suiteHub();
  let operator: string;

  beforeAll(async () => {
    operator = (await t.addStaff('bulk-operator', 'operator')).token;
  });

  /** An SOS from a new pendant of `retiree` (a new one when none is given), listening to its commands. */
  async function sos(
    retiree?: Retiree,
  ): Promise<{ alert: Alert; client: MqttClient; commands: { type: string; alertId: string }[] }> {
    const owner = retiree ?? (await t.addRetiree());
    const device = await t.addDevice('pendant.sos', owner.id);
    const client = await t.connectDevice(device);
    const commands: { type: string; alertId: string }[] = [];
    await client.subscribeAsync(`eldercare/v1/${device.device.id}/cmd`, { qos: 1 });
    client.on('message', (_topic, payload) => commands.push(JSON.parse(payload.toString())));
    await publish(client, `eldercare/v1/${device.device.id}/event`, { id: randomUUID(), type: 'sos' });
    const alert = await eventually(async () =>
      (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${owner.id}`)).body.find(
        (entry) => entry.deviceId === device.device.id,
      ),
    );
    return { alert, client, commands };
  }

  const bulk = (body: unknown, token = operator) =>
    t.api<AlertBulkAnswer & { message?: string }>('POST', '/api/alerts/bulk', body, token);

  it('acknowledges each alert as a single acknowledge does, with the note on each; the devices hear ack', async () => {
    const calls = await Promise.all([sos(), sos(), sos()]);
    const ids = calls.map((call) => call.alert.id);
    const answer = await bulk({ action: 'ack', ids, note: '停电，已通知各站点' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ action: 'ack', done: 3, skipped: 0, failed: 0 });
    expect(answer.body.results.map((item) => [item.id, item.result])).toStrictEqual(
      ids.map((id) => [id, 'done']),
    );
    for (const call of calls) {
      const current = (await t.api<Alert>('GET', `/api/alerts/${call.alert.id}`)).body;
      expect(current).toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: 'bulk-operator 同志',
        assignedTo: 'bulk-operator 同志',
      });
      const steps = (await t.api<AlertStep[]>('GET', `/api/alerts/${call.alert.id}/steps`)).body;
      expect(steps.map((step) => step.action)).toEqual(expect.arrayContaining(['acknowledged', 'comment']));
      expect(steps.find((step) => step.action === 'comment')?.detail).toMatchObject({
        text: '停电，已通知各站点',
      });
      await eventually(() =>
        call.commands.find((command) => command.type === 'ack' && command.alertId === call.alert.id),
      );
    }
    expect(await metricValue(t, 'hub_alert_bulk_items_total{action="ack",result="done"}')).toBe(3);
  });

  it('skips an alert already resolved and resolves the others with the one note and outcome', async () => {
    const calls = await Promise.all([sos(), sos(), sos()]);
    const [done, ...rest] = calls.map((call) => call.alert.id);
    await t.api('POST', `/api/alerts/${done}/ack`, {});
    expect(
      (await t.api('POST', `/api/alerts/${done}/resolve`, { outcome: 'false_alarm', note: '误按' })).status,
    ).toBe(200);
    const unknown = randomUUID();
    const answer = await bulk({
      action: 'resolve',
      ids: [done, ...rest, unknown, 'not-an-id'],
      outcome: 'genuine',
      note: '供电恢复，逐户确认平安',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ done: 2, skipped: 1, failed: 2 });
    const results = Object.fromEntries(answer.body.results.map((item) => [item.id, item]));
    expect(results[done!]).toMatchObject({
      result: 'skipped',
      alert: { status: 'resolved', outcome: 'false_alarm' },
    });
    expect(results[unknown]?.result).toBe('not_found');
    expect(results['not-an-id']?.result).toBe('not_found');
    for (const id of rest) {
      expect(results[id]).toMatchObject({
        result: 'done',
        alert: { status: 'resolved', outcome: 'genuine', note: '供电恢复，逐户确认平安' },
      });
    }
    // The first resolution stands: a bulk call never overwrites it.
    expect((await t.api<Alert>('GET', `/api/alerts/${done}`)).body).toMatchObject({ note: '误按' });
  });

  it('refuses bad input as a whole, changing nothing', async () => {
    const { alert } = await sos();
    for (const body of [
      { action: 'resolve', ids: [alert.id], note: '没有处理结果' },
      { action: 'resolve', ids: [alert.id], outcome: 'genuine' },
      { action: 'ack', ids: [] },
      { action: 'ack', ids: Array.from({ length: 501 }, () => alert.id) },
      { action: 'delete', ids: [alert.id] },
    ]) {
      expect((await bulk(body)).status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect((await t.api<Alert>('GET', `/api/alerts/${alert.id}`)).body.status).toBe('open');
  });

  it("keeps a station's caseworker off the alerts, of their station and of others", async () => {
    const { east, west, stationCaseworker } = await addStations(t, 'bulk-caseworker');
    const eastCall = await sos(east);
    const westCall = await sos(west);
    for (const action of ['ack', 'resolve'] as const) {
      const answer = await bulk(
        { action, ids: [westCall.alert.id, eastCall.alert.id], outcome: 'genuine', note: '越权' },
        stationCaseworker.token,
      );
      expect(answer.status).toBe(403);
    }
    for (const call of [eastCall, westCall]) {
      expect((await t.api<Alert>('GET', `/api/alerts/${call.alert.id}`)).body.status).toBe('open');
      expect(call.commands).toStrictEqual([]);
    }
  });
});
