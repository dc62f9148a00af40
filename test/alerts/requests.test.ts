import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Alert, ButtonTest, ServiceRequest } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('the green 求助 key and scheduled button tests', () => {
  const t = suiteHub();

  it('opens a service request (6.12), not an emergency alert, once per event', async () => {
    const retiree = await t.addRetiree({ name: '钱大勇' });
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    const topic = `eldercare/v1/${pendant.device.id}/event`;
    await publish(client, topic, { id: 'help-1', type: 'service_request' });
    await publish(client, topic, { id: 'help-1', type: 'service_request' });
    // A device event is acknowledged only once it is handled (gateway/broker/gateway.ts, beforeAck):
    // with the second PUBACK in, both presses are stored, or refused as the same event.
    const mine = (await t.api<ServiceRequest[]>('GET', '/api/service-requests')).body.filter(
      (entry) => entry.deviceId === pendant.device.id,
    );
    expect(mine).toHaveLength(1);
    const request = mine[0] as ServiceRequest;
    expect(request).toMatchObject({ retireeName: '钱大勇', status: 'requested', rating: null });
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

    // The list goes to Excel with provider, outcome and rating (6.12), filtered by status.
    const sheet = await fetch(`${t.url}/api/service-requests/export.xlsx?status=done`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(sheet.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await sheet.arrayBuffer()) as ArrayBuffer);
    const rows: unknown[][] = [];
    workbook.worksheets[0]?.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows[0]).toStrictEqual([
      '求助时间',
      '老人',
      '来源',
      '类别',
      '求助内容',
      '状态',
      '服务内容',
      '提供方',
      '负责人',
      '派单时间',
      '完成时间',
      '评价（1–5）',
      '处理结果与备注',
    ]);
    const line = rows.find((row) => row[1] === '钱大勇');
    expect(line?.slice(1, 8)).toStrictEqual([
      '钱大勇',
      '求助键',
      '',
      '',
      '已完成',
      '代购药品',
      '志愿者 王芳',
    ]);
    // Assigned without naming a handler: whoever assigned it is in charge.
    expect(assigned.body.handlerName).toEqual(expect.any(String));
    expect(line?.[8]).toBe(assigned.body.handlerName);
    expect(line?.[11]).toBe(5);
    const open = await fetch(`${t.url}/api/service-requests/export.xlsx?status=requested`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    const openBook = new ExcelJS.Workbook();
    await openBook.xlsx.load((await open.arrayBuffer()) as ArrayBuffer);
    expect(openBook.worksheets[0]?.actualRowCount).toBe(1);
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
