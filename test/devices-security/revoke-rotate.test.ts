/**
 * Revoking a device and replacing its secret from the hub's API, against a whole hub: the device's
 * live session closes within a second, and the broker answers its next CONNECT as the records say.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDevice, Device } from '../../server/schemas/index.ts';
import { connackCode, eventually } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

/** CONNACK return code of one CONNECT as the device (0 when accepted); the client is closed afterwards. */
const connackOf = (url: string, deviceId: string, secret: string): Promise<number> =>
  connackCode(url, { clientId: deviceId, username: deviceId, password: secret });

describe('devices: revocation and secret rotation', () => {
  const t = suiteHub();
  let supervisor: { id: string; token: string };
  let operator: { id: string; token: string };

  beforeAll(async () => {
    supervisor = await t.addStaff('sec-supervisor', 'supervisor');
    operator = await t.addStaff('sec-operator', 'operator');
  });

  it('revoking closes the live session within a second; the device then gets CONNACK 5', async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(created);
    const closed = new Promise<number>((resolve) => client.once('close', () => resolve(Date.now())));

    const started = Date.now();
    const revoked = await t.api<Device>(
      'POST',
      `/api/devices/${created.device.id}/revoke`,
      { reason: '手环遗失' },
      supervisor.token,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    expect(revoked.body.revokedReason).toBe('手环遗失');
    expect(revoked.body.online).toBe(false);
    expect((await closed) - started).toBeLessThan(1000);

    expect(await connackOf(t.mqttUrl, created.device.id, created.secret)).toBe(5);
    const metrics = await t.api<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/hub_mqtt_auth_failures_total\{reason="revoked"\} 1/);
    expect(metrics.body).toMatch(/hub_mqtt_sessions_revoked_total 1/);

    // The list shows it revoked; a second revocation and a new secret are refused.
    const list = await t.api<Device[]>('GET', '/api/devices');
    expect(list.body.find((device) => device.id === created.device.id)?.revokedAt).toBeTruthy();
    expect(list.body.some((device) => device.type === 'hub')).toBe(false);
    const again = await t.api('POST', `/api/devices/${created.device.id}/revoke`, { reason: '再次' });
    expect(again.status).toBe(409);
    expect((await t.api('POST', `/api/devices/${created.device.id}/secret`)).status).toBe(409);
  });

  it('a revoked device stays revoked after the hub restarts', async () => {
    // Read straight from the records, as the directory does at start.
    const rows = await t.hub.db.query<{ id: string; revoked_reason: string }>(
      `select id, revoked_reason from devices where revoked_at is not null and type <> 'hub'`,
    );
    expect(rows.map((row) => row.revoked_reason)).toEqual(['手环遗失']);
  });

  it('rotating the secret refuses the old one at once, closes the session, and the new one works', async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(created);
    const closed = new Promise<number>((resolve) => client.once('close', () => resolve(Date.now())));

    const started = Date.now();
    const rotated = await t.api<CreatedDevice>('POST', `/api/devices/${created.device.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.device.secretRotatedAt).toBeTruthy();
    expect((await closed) - started).toBeLessThan(1000);

    expect([4, 5]).toContain(await connackOf(t.mqttUrl, created.device.id, created.secret));
    expect(await connackOf(t.mqttUrl, created.device.id, rotated.body.secret)).toBe(0);
    // The secret is answered this once: nothing lists it.
    const list = await t.api<string>('GET', '/api/devices');
    expect(JSON.stringify(list.body)).not.toContain(rotated.body.secret);
  });

  it('only admins and supervisors may revoke or rotate; a bad body changes nothing', async () => {
    const created = await t.addDevice('wearable.watch', null);
    const forbidden = await t.api(
      'POST',
      `/api/devices/${created.device.id}/revoke`,
      { reason: '试试' },
      operator.token,
    );
    expect(forbidden.status).toBe(403);
    expect(
      (await t.api('POST', `/api/devices/${created.device.id}/secret`, undefined, operator.token)).status,
    ).toBe(403);

    const empty = await t.api<{ fields: { field: string; message: string }[] }>(
      'POST',
      `/api/devices/${created.device.id}/revoke`,
      { reason: '   ' },
    );
    expect(empty.status).toBe(400);
    expect(empty.body.fields).toEqual([{ field: 'reason', message: '不能为空' }]);
    const missing = await t.api<{ fields: { field: string; message: string }[] }>(
      'POST',
      `/api/devices/${created.device.id}/revoke`,
      {},
    );
    expect(missing.status).toBe(400);
    expect(missing.body.fields).toEqual([{ field: 'reason', message: '必须填写' }]);
    expect((await t.api('POST', '/api/devices/no-such-device/revoke', { reason: '遗失' })).status).toBe(404);
    expect((await t.api('POST', '/api/devices/_hub/revoke', { reason: '遗失' })).status).toBe(404);

    // Still there and still working.
    const client = await t.connectDevice(created);
    expect(client.connected).toBe(true);
    await eventually(async () => {
      const list = await t.api<Device[]>('GET', '/api/devices');
      const device = list.body.find((item) => item.id === created.device.id);
      return device?.revokedAt === null && device.online;
    });
  });
});
