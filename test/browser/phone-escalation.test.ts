/**
 * When nobody acknowledges an SOS: the ladder's step tells the supervisor on duty on their own
 * channels, a DingTalk robot and an SMS (Alibaba Cloud, failing over to Tencent Cloud), each to a
 * local server that checks the request as the provider documents it. The link in the message opens
 * the alert's page on a phone (a real browser at a phone's size); acknowledging there stops the
 * ladder, the device hears it, and the alert's steps name that supervisor. The supervisor not on
 * duty is not told; the link opens nothing once the alert is resolved, and each action works once.
 */
import type { MqttClient } from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertStep } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { type FakeProviders, startFakeProviders } from '../notify/providers/fake-providers.ts';
import { launchBrowser, UI_TIMEOUT_MS } from './helpers.ts';

const browser: Browser | null = await launchBrowser();
const DINGTALK = { token: 'd1n6ta1kt0ken0123456789abcdef', secret: 'SECdingtalk-robot-signing-secret-1234' };
const ALIYUN = { accessKeyId: 'LTAI5tTestAccessKey', accessKeySecret: 'aliyun-test-secret-0123456789' };
const TENCENT = { secretId: 'AKIDtencenttestsecretid0123', secretKey: 'tencent-test-secret-key-0123' };
const SUPERVISOR_MOBILE = '13800138000';
const OTHER_MOBILE = '13900139000';
/** The hub's public address in the messages; the test opens the same path on the hub's own port. */
const PUBLIC_URL = 'https://hub.centre.example';

describe.skipIf(browser === null)('escalation to a phone, acted on from the message', () => {
  let fake: FakeProviders;
  const t = suiteHub({
    HUB_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32',
    HUB_PUBLIC_URL: PUBLIC_URL,
    HUB_WEBHOOK_RETRY_DELAYS: '0',
  });
  let supervisor: { id: string; token: string };
  let client: MqttClient;
  const commands: { type: string; text?: string }[] = [];
  let alert: Alert;
  let link = '';

  beforeAll(async () => {
    fake = await startFakeProviders({
      dingtalk: DINGTALK,
      wecom: { key: 'unused' },
      feishu: { token: 'unused', secret: null },
      aliyun: ALIYUN,
      tencent: TENCENT,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await fake?.stop();
  });

  it('lets staff set their own channels and the administrator the SMS providers', async () => {
    const operator = await t.addStaff('night-operator', 'operator');
    supervisor = await t.addStaff('night-supervisor', 'supervisor');
    const offDuty = await t.addStaff('day-supervisor', 'supervisor');
    const hour = 3_600_000;
    for (const [user, role] of [
      [operator, 'operator'],
      [supervisor, 'supervisor'],
    ] as const) {
      const shift = await t.api('POST', '/api/duty/roster', {
        userId: user.id,
        role,
        startsAt: new Date(Date.now() - hour).toISOString(),
        endsAt: new Date(Date.now() + 8 * hour).toISOString(),
      });
      expect(shift.status).toBe(201);
    }
    const robot = `${fake.origin}/robot/send?access_token=${DINGTALK.token}`;
    const added = await t.api<{ channel: { target: string; hasSecret: boolean } }>(
      'POST',
      '/api/me/channels',
      { kind: 'dingtalk', target: robot, secret: DINGTALK.secret },
      supervisor.token,
    );
    expect(added.status).toBe(201);
    // The robot's access token is its key: never shown whole again.
    expect(added.body.channel.target).not.toContain(DINGTALK.token);
    expect(added.body.channel.hasSecret).toBe(true);
    expect(
      (
        await t.api(
          'POST',
          '/api/me/channels',
          { kind: 'sms', target: `+86 ${SUPERVISOR_MOBILE}` },
          supervisor.token,
        )
      ).status,
    ).toBe(201);
    expect(
      (await t.api('POST', '/api/me/channels', { kind: 'sms', target: OTHER_MOBILE }, offDuty.token)).status,
    ).toBe(201);
    // Refused with a reason: a number that is no mobile, a robot on plain http at a public host.
    const badNumber = await t.api<{ message: string }>(
      'POST',
      '/api/me/channels',
      { kind: 'sms', target: '028-12345678' },
      supervisor.token,
    );
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.message).toContain('mobile');
    const plain = await t.api('POST', '/api/me/channels', {
      kind: 'dingtalk',
      target: `http://oapi.dingtalk.com/robot/send?access_token=${DINGTALK.token}`,
    });
    expect(plain.status).toBe(400);

    // Alibaba first; it will refuse once, and Tencent takes the message.
    const aliyun = await t.api('PUT', '/api/settings/notify/providers/sms_aliyun', {
      config: { ...ALIYUN, signName: '军休中心', templateCode: 'SMS_123456789', endpoint: fake.origin },
      priority: 1,
    });
    expect(aliyun.status).toBe(200);
    const tencent = await t.api('PUT', '/api/settings/notify/providers/sms_tencent', {
      config: {
        ...TENCENT,
        smsSdkAppId: '1400000001',
        signName: '军休中心',
        templateId: '1000001',
        templateParamOrder: ['name', 'kind', 'waited'],
        endpoint: fake.origin,
      },
      priority: 2,
    });
    expect(tencent.status).toBe(200);
    const listed = await t.api<{ kind: string; fields: string[] }[]>('GET', '/api/settings/notify/providers');
    expect(JSON.stringify(listed.body)).not.toContain(ALIYUN.accessKeySecret);
    expect(listed.body.find((p) => p.kind === 'sms_aliyun')?.fields).toContain('accessKeySecret');
    // Only the administrator handles credentials.
    expect((await t.api('GET', '/api/settings/notify/providers', undefined, supervisor.token)).status).toBe(
      403,
    );

    const ladder = await t.api('PUT', '/api/settings/escalation', {
      steps: [
        { afterSeconds: 2, notify: ['supervisor'], channels: ['dingtalk', 'sms'] },
        { afterSeconds: 3600, notify: ['manager'] },
      ],
    });
    expect(ladder.status).toBe(200);
  });

  it('tells the supervisor on duty by DingTalk and SMS when nobody acknowledges', async () => {
    fake.queue('aliyun', 200, {
      Code: 'isv.BUSINESS_LIMIT_CONTROL',
      Message: '触发分钟级流控',
      RequestId: 'r-1',
    });
    const retiree = await t.addRetiree({ name: '王建国' });
    const device = await t.addDevice('pendant.sos', retiree.id);
    client = await t.connectDevice(device);
    await client.subscribeAsync(`eldercare/v1/${device.device.id}/cmd`, { qos: 1 });
    client.on('message', (_topic, payload) => commands.push(JSON.parse(payload.toString())));
    await publish(client, `eldercare/v1/${device.device.id}/event`, { id: 'sos-night-1', type: 'sos' });
    alert = await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body[0];
    });
    const robot = await eventually(() => fake.received.find((request) => request.provider === 'dingtalk'));
    expect(robot.problem).toBeNull();
    const text = JSON.stringify(robot.json);
    expect(text).toContain('王建国');
    const found = /https:\/\/hub\.centre\.example\/m\/([0-9a-f]{32}\.[0-9a-f]{32})/.exec(text);
    expect(found).not.toBeNull();
    link = `/m/${found?.[1]}`;

    const tencent = await eventually(() => fake.received.find((request) => request.provider === 'tencent'));
    expect(tencent.problem).toBeNull();
    expect(tencent.json?.PhoneNumberSet).toEqual([`+86${SUPERVISOR_MOBILE}`]);
    expect(tencent.json?.TemplateParamSet).toEqual(expect.arrayContaining(['王建国']));
    const aliyun = fake.received.filter((request) => request.provider === 'aliyun');
    expect(aliyun).toHaveLength(1);
    expect(aliyun[0]?.problem).toBeNull();
    // The day supervisor is not on duty: not told, as a supervisor is on duty.
    expect(fake.received.some((request) => request.body.includes(OTHER_MOBILE))).toBe(false);

    const deliveries = await eventually(async () => {
      const log = await t.api<
        {
          kind: string;
          status: string;
          provider: string | null;
          cost: string | null;
          staffName: string | null;
        }[]
      >('GET', `/api/alerts/${alert.id}/deliveries`);
      const sms = log.body.find((entry) => entry.kind === 'sms' && entry.status === 'sent');
      return sms ? log.body : undefined;
    });
    const sms = deliveries.find((entry) => entry.kind === 'sms' && entry.status === 'sent');
    expect(sms).toMatchObject({ provider: 'sms_tencent', staffName: 'night-supervisor 同志' });
    expect(sms?.cost).not.toBeNull();
    expect(deliveries.find((entry) => entry.kind === 'dingtalk')).toMatchObject({ status: 'sent' });
  });

  it('opens the alert on a phone from the link and acknowledges it there', async () => {
    const context = await (browser as Browser).newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(`${t.url}${link}`);
    await page.getByRole('heading', { name: /王建国/ }).waitFor();
    await page.getByText('应急救助卡').waitFor();
    await page.getByRole('button', { name: '接警' }).click();
    await page.getByRole('status').filter({ hasText: '已接警' }).waitFor();
    expect(await page.locator('#status').textContent()).toBe('已接警');
    // Done once: its button is gone; and the alert is theirs now, so there is nothing to take.
    expect(await page.getByRole('button', { name: '接警', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '由我负责' }).count()).toBe(0);
    await page.getByRole('button', { name: '我正在赶去' }).waitFor();
    await page.screenshot({ path: '.tmp/phone-escalation.png', fullPage: true });
    await context.close();

    await eventually(() => commands.find((command) => command.type === 'ack'));
    const steps = (await t.api<AlertStep[]>('GET', `/api/alerts/${alert.id}/steps`)).body;
    const acknowledged = steps.find((step) => step.action === 'acknowledged');
    expect(acknowledged?.actor).toBe('night-supervisor 同志');
    // The ladder stops: no reminder or step 2 follows.
    const before = fake.received.length;
    const current = (await t.api<Alert>('GET', `/api/alerts/${alert.id}`)).body;
    expect(current.status).toBe('acknowledged');
    expect(fake.received.length).toBe(before);
  });

  it('takes each action once, and opens nothing once the alert is resolved', async () => {
    const again = await fetch(`${t.url}${link}/acknowledge`, { method: 'POST', redirect: 'manual' });
    expect(again.status).toBe(409);
    const forged = await fetch(`${t.url}${link.slice(0, -4)}0000`);
    expect(forged.status).toBe(404);
    const resolved = await t.api('POST', `/api/alerts/${alert.id}/resolve`, {
      outcome: 'genuine',
      note: '已到场',
    });
    expect(resolved.status).toBe(200);
    const closed = await fetch(`${t.url}${link}`);
    expect(closed.status).toBe(410);
    const body = await closed.text();
    expect(body).not.toContain('王建国');
    client.end(true);
  });
});
