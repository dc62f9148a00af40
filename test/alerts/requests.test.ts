import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, ButtonTest, ServiceRequest } from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';

describe('the green 求助 key and scheduled button tests', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  it('opens a service request (6.12), not an emergency alert, once per event', async () => {
    const retiree = await t.addRetiree({ name: '钱大勇' });
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    const topic = `eldercare/v1/${pendant.device.id}/event`;
    await publish(client, topic, { id: 'help-1', type: 'service_request' });
    await publish(client, topic, { id: 'help-1', type: 'service_request' });
    const request = await eventually(async () => {
      const list = (await t.api<ServiceRequest[]>('GET', '/api/service-requests')).body;
      return list.find((entry) => entry.deviceId === pendant.device.id);
    });
    expect(request).toMatchObject({ retireeName: '钱大勇', status: 'requested', rating: null });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const mine = (await t.api<ServiceRequest[]>('GET', '/api/service-requests')).body.filter(
      (entry) => entry.deviceId === pendant.device.id,
    );
    expect(mine).toHaveLength(1);
    expect((await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body).toStrictEqual([]);

    const assigned = await t.api<ServiceRequest>('PATCH', `/api/service-requests/${request.id}`, {
      status: 'assigned',
      kind: '代购药品',
      provider: '志愿者 王芳',
    });
    expect(assigned.body.assignedAt).not.toBeNull();
    const done = await t.api<ServiceRequest>('PATCH', `/api/service-requests/${request.id}`, {
      status: 'done',
      rating: 5,
    });
    expect(done.body).toMatchObject({ status: 'done', rating: 5, provider: '志愿者 王芳', kind: '代购药品' });
    expect((await t.api('PATCH', `/api/service-requests/${request.id}`, { rating: 9 })).status).toBe(400);
  });

  it('lists buttons overdue for their monthly test, and a test press takes one off the list', async () => {
    const retiree = await t.addRetiree();
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const overdue = async () =>
      (await t.api<ButtonTest[]>('GET', '/api/button-tests?overdue=true')).body.map(
        (entry) => entry.deviceId,
      );
    expect(await overdue()).toContain(pendant.device.id);
    const client = await t.connectDevice(pendant);
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'test-1', type: 'button_test' });
    await eventually(async () => !(await overdue()).includes(pendant.device.id));
    const all = (await t.api<ButtonTest[]>('GET', '/api/button-tests')).body;
    expect(all.find((entry) => entry.deviceId === pendant.device.id)?.lastTestAt).not.toBeNull();
    // Door sensors have no button to test.
    expect(all.every((entry) => entry.type !== 'sensor.door')).toBe(true);
  });
});
