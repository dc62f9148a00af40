/**
 * Security events raise an alert of their own, against a whole hub with the real fault injected:
 * a raw client guessing secrets, then many devices dropping at once. Each burst is one `security`
 * alert (severity high, subject the hub itself) on the queue, folded while it is active.
 */
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import type { Alert, Device } from '../../server/schemas/index.ts';
import { guessSecrets } from '../gateway/mqtt-frames.ts';
import { eventually, metricValue, startTestHub } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const AUTH_THRESHOLD = 10;
const DISCONNECT_THRESHOLD = 8;

describe('security alerts', () => {
  const t = suiteHub({
    HUB_SECURITY_AUTH_FAILURES: String(AUTH_THRESHOLD),
    HUB_SECURITY_AUTH_WINDOW_SECONDS: '60',
    HUB_SECURITY_DISCONNECTS: String(DISCONNECT_THRESHOLD),
    HUB_SECURITY_DISCONNECT_WINDOW_SECONDS: '30',
    HUB_SECURITY_LOGIN_FAILURES: '3',
    HUB_SECURITY_POLL_SECONDS: '1',
    // The guesser must reach the broker's check each time, not a cool-down, for this test.
    HUB_MQTT_FAILED_CONNECTS_PER_IP: '1000',
    HUB_MQTT_FAILED_CONNECTS_PER_USERNAME: '1000',
  });

  const securityAlerts = async () =>
    (await t.api<Alert[]>('GET', '/api/alerts?status=active&limit=500')).body.filter(
      (alert) => alert.kind === 'security',
    );

  it('many bad CONNECTs from a raw client raise one security alert', async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('wearable.watch', retiree.id);
    expect(await securityAlerts()).toEqual([]);

    // A guesser on raw sockets: the real device id, wrong secrets; more than the threshold.
    expect(await guessSecrets(t.hub.mqttPort, created.device.id, AUTH_THRESHOLD + 5)).toEqual(
      Array(AUTH_THRESHOLD + 5).fill(4),
    );
    const [alert] = await eventually(async () => {
      const found = await securityAlerts();
      return found.length > 0 ? found : undefined;
    });
    expect(alert).toMatchObject({
      kind: 'security',
      severity: 'high',
      status: 'open',
      deviceId: '_hub',
      retireeId: null,
      detail: expect.objectContaining({
        event: 'mqtt_auth_failures',
        threshold: AUTH_THRESHOLD,
        subjects: [created.device.id],
      }),
    });
    // One burst, one alert: the failures after the threshold do not open more. Each refusal was
    // judged before its CONNACK, and a burst is counted as its alert is asked for: the count is final.
    const metrics = await t.api<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/hub_security_bursts_total\{event="mqtt_auth_failures"\} 1/);
    const all = await securityAlerts();
    expect(all).toHaveLength(1);
    expect(all[0]?.count).toBe(1);

    // The security page lists the refusals.
    const overview = await t.api<{ refusedDevices: { deviceId: string; reason: string }[] }>(
      'GET',
      '/api/security/overview',
    );
    expect(overview.status).toBe(200);
    expect(overview.body.refusedDevices.filter((item) => item.deviceId === created.device.id)).toHaveLength(
      AUTH_THRESHOLD + 5,
    );
    await t.api('POST', `/api/alerts/${alert?.id}/resolve`, { outcome: 'genuine', note: '已封禁来源地址' });
    expect(await securityAlerts()).toEqual([]);
  });

  it('many devices dropping at once raise one security alert; a few do not', async () => {
    const clients: MqttClient[] = [];
    const ids: string[] = [];
    for (let i = 0; i < DISCONNECT_THRESHOLD + 2; i += 1) {
      const retiree = await t.addRetiree();
      const created = await t.addDevice('wearable.watch', retiree.id);
      ids.push(created.device.id);
      clients.push(await t.connectDevice(created));
    }
    const storms = () => metricValue(t, 'hub_security_bursts_total{event="disconnect_storm"}');
    const stormsBefore = await storms();
    // Shown offline once the broker has told the bus, which judges the drop in the same turn.
    const offline = (dropped: string[]) =>
      eventually(async () => {
        const devices = (await t.api<Device[]>('GET', '/api/devices')).body;
        return dropped.every((id) => devices.find((device) => device.id === id)?.online === false);
      });
    // A couple dropping is ordinary.
    for (const client of clients.slice(0, 2)) client.stream.destroy();
    await offline(ids.slice(0, 2));
    expect(await storms()).toBe(stormsBefore);
    expect(await securityAlerts()).toEqual([]);

    // The rest drop together, as when a building's network fails.
    for (const client of clients.slice(2)) client.stream.destroy();
    const [alert] = await eventually(async () => {
      const found = await securityAlerts();
      return found.length > 0 ? found : undefined;
    });
    expect(alert?.detail).toMatchObject({ event: 'disconnect_storm', threshold: DISCONNECT_THRESHOLD });
    expect((alert!.detail.subjects as string[]).length).toBeGreaterThanOrEqual(DISCONNECT_THRESHOLD);
    await offline(ids);
    expect(await storms()).toBe(stormsBefore + 1);
    expect(await securityAlerts()).toHaveLength(1);
  });

  it('a burst of failed staff sign-ins raises one security alert; the page lists them and the audit chain', async () => {
    for (const alert of await securityAlerts()) {
      await t.api('POST', `/api/alerts/${alert.id}/resolve`, { outcome: 'genuine', note: '网络已恢复' });
    }
    for (const username of ['guess-one', 'guess-two', 'guess-three']) {
      const refused = await t.api('POST', '/api/auth/login', { username, password: 'wrong-password' }, null);
      expect(refused.status).toBe(401);
    }
    const [alert] = await eventually(async () => {
      const found = await securityAlerts();
      return found.length > 0 ? found : undefined;
    }, 10_000);
    expect(alert?.detail).toMatchObject({ event: 'login_failures', threshold: 3 });
    expect((alert!.detail.subjects as string[]).sort()).toEqual(['guess-one', 'guess-three', 'guess-two']);

    const overview = await t.api<{
      failedLogins: { available: boolean; items: { username: string }[] };
      auditChain: { status: string; checked: number | null };
      securityAlerts: { id: string }[];
    }>('GET', '/api/security/overview');
    expect(overview.body.failedLogins.available).toBe(true);
    expect(overview.body.failedLogins.items.map((item) => item.username)).toEqual(
      expect.arrayContaining(['guess-one', 'guess-two', 'guess-three']),
    );
    expect(overview.body.auditChain.status).toBe('ok');
    expect(overview.body.auditChain.checked).toBeGreaterThan(0);
    expect(overview.body.securityAlerts.map((item) => item.id)).toEqual([alert?.id]);
  });

  it('only admins read the security overview', async () => {
    const supervisor = await t.addStaff('sec-overview-supervisor', 'supervisor');
    expect((await t.api('GET', '/api/security/overview', undefined, supervisor.token)).status).toBe(403);
    expect((await t.api('GET', '/api/security/overview', undefined, null)).status).toBe(401);
  });
});

describe('security alerts: the hub stopping', () => {
  it('devices dropping because the hub stops raise no disconnect storm', async () => {
    const first = await startTestHub({ HUB_SECURITY_DISCONNECTS: '3' });
    const dataDir = first.dataDir;
    for (let i = 0; i < 5; i += 1) {
      const retiree = await first.addRetiree();
      await first.connectDevice(await first.addDevice('wearable.watch', retiree.id));
    }
    await first.stop({ keepData: true });

    const again = await startTestHub({}, { dataDir });
    try {
      const alerts = await again.api<Alert[]>('GET', '/api/alerts?limit=500');
      expect(alerts.body.filter((alert) => alert.kind === 'security')).toEqual([]);
    } finally {
      await again.stop();
    }
  }, 120_000);
});
