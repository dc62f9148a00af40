import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Channel, CreatedChannel, Delivery, Retiree } from '../../server/schemas/index.ts';
import { eventually, pressSos, publish, type TestHub } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { type MailSink, startMailSink } from './mail.ts';
import { startWebhookReceiver, verify, type WebhookReceiver } from './webhook.ts';

const SECRET = 'a-shared-secret-for-the-sms-gateway';

/** A port nobody listens on: the OS hands one out, and we give it back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Beijing time (UTC+8, no summer time) as zh-CN writes it: `2026/12/05 09:00:00`. */
function shanghai(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000)
    .toISOString()
    .slice(0, 19)
    .replaceAll('-', '/')
    .replace('T', ' ');
}

async function addChannel(
  t: TestHub,
  retiree: Retiree,
  body: Record<string, unknown>,
  contactIndex = 0,
): Promise<CreatedChannel> {
  const contact = retiree.contacts[contactIndex];
  const response = await t.api<CreatedChannel>(
    'POST',
    `/api/retirees/${retiree.id}/contacts/${contact?.id}/channels`,
    body,
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

describe('families are told: e-mail into a real SMTP server and signed webhooks (6.11.2.4)', () => {
  let sink: MailSink;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    sink = await startMailSink();
    // The receiver is busy once (500), then takes the retry.
    receiver = await startWebhookReceiver(SECRET, [500]);
  });
  afterAll(async () => {
    await sink?.stop();
    await receiver?.stop();
  });
  // Started after the receivers, stopped before them.
  const t = suiteHub(() => ({
    // The receivers stand for a gateway on the centre's own network, here on loopback.
    HUB_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32',
    HUB_SMTP_URL: sink.url,
    HUB_SMTP_FROM: '芳草街军休服务中心 <duty@centre.example>',
    HUB_CENTRE_NAME: '芳草街军休服务中心',
    HUB_CENTRE_PHONE: '028-85550000',
    HUB_WEBHOOK_RETRY_DELAYS: '0,300,900',
  }));

  it('manages a contact’s channels: list, add (webhook key shown once), remove', async () => {
    const retiree = await t.addRetiree({
      contacts: [{ name: '赵小兰', relation: '女儿', phone: '13900000000', email: 'xiaolan@example.com' }],
    });
    const contactId = retiree.contacts[0]?.id;
    const base = `/api/retirees/${retiree.id}/contacts/${contactId}/channels`;
    const mail = await addChannel(t, retiree, { kind: 'email', target: 'xiaolan@example.com' });
    expect(mail.secret).toBeNull();
    expect(mail.channel).toMatchObject({
      kind: 'email',
      minSeverity: 'high',
      enabled: true,
      hasSecret: false,
    });
    const hook = await addChannel(t, retiree, {
      kind: 'webhook',
      target: 'http://127.0.0.1:9/sms',
      minSeverity: 'medium',
    });
    expect(hook.secret?.length).toBeGreaterThanOrEqual(32);
    expect(hook.channel.hasSecret).toBe(true);
    const listed = await t.api<Channel[]>('GET', base);
    expect(listed.body.map((channel) => channel.kind)).toStrictEqual(['email', 'webhook']);
    expect(JSON.stringify(listed.body)).not.toContain(hook.secret);

    expect((await t.api('POST', base, { kind: 'email', target: 'not an address' })).status).toBe(400);
    expect((await t.api('POST', base, { kind: 'webhook', target: 'ftp://127.0.0.1/x' })).status).toBe(400);
    expect((await t.api('POST', base, { kind: 'sms', target: '139' })).status).toBe(400);
    const stranger = await t.addRetiree();
    const wrong = `/api/retirees/${stranger.id}/contacts/${contactId}/channels`;
    expect((await t.api('GET', wrong)).status).toBe(404);

    expect((await t.api('DELETE', `${base}/${hook.channel.id}`)).status).toBe(204);
    expect((await t.api('DELETE', `${base}/${hook.channel.id}`)).status).toBe(404);
    const after = await t.api<Channel[]>('GET', base);
    expect(after.body.map((channel) => channel.id)).toStrictEqual([mail.channel.id]);
  });

  it('an SOS reaches the e-mail and the signed webhook; a dead channel is retried and blocks neither', async () => {
    const retiree = await t.addRetiree({
      name: '周振华',
      contacts: [
        { name: '周小梅', relation: '女儿', phone: '13700000000', email: 'xiaomei@example.com' },
        { name: '周小军', relation: '儿子', phone: '13600000000' },
      ],
    });
    // The dead channel is first in line, so a blocking queue would hold the others behind it.
    const dead = await addChannel(t, retiree, {
      kind: 'webhook',
      target: `http://127.0.0.1:${await closedPort()}/hook`,
      secret: SECRET,
    });
    const mail = await addChannel(t, retiree, { kind: 'email', target: 'xiaomei@example.com' });
    const hook = await addChannel(t, retiree, { kind: 'webhook', target: receiver.url, secret: SECRET }, 1);
    // A channel for critical alerts only still gets an SOS; a removed one gets nothing.
    const removed = await addChannel(
      t,
      retiree,
      { kind: 'email', target: 'old@example.com', minSeverity: 'low' },
      1,
    );
    await t.api(
      'DELETE',
      `/api/retirees/${retiree.id}/contacts/${retiree.contacts[1]?.id}/channels/${removed.channel.id}`,
    );

    const alert = await pressSos(t, retiree, 'sos-notify-1');

    // E-mail: into the real SMTP server, in Chinese, naming the relative, the kind and the time.
    const received = await eventually(() =>
      sink.mails.find((entry) => entry.to.includes('xiaomei@example.com')),
    );
    expect(received.to).toStrictEqual(['xiaomei@example.com']);
    expect(received.from).toBe('duty@centre.example');
    expect(received.subject).toBe('【芳草街军休服务中心】周振华：紧急求救，发生告警');
    expect(received.text).toContain('周小梅您好');
    expect(received.text).toContain('您的亲属周振华触发了告警');
    expect(received.text).toContain('告警类型：紧急求救（紧急级）');
    expect(received.text).toContain(`发生时间：${shanghai(alert.openedAt)}（北京时间）`);
    expect(received.text).toContain('处理人员：值班人员正在接警');
    expect(received.text).toContain('028-85550000');

    // Webhook: refused once with 500, taken on the retry, both signed over the raw body.
    const [first, second] = await eventually(() => (receiver.hooks.length >= 2 ? receiver.hooks : undefined));
    expect(first?.answered).toBe(500);
    expect(second?.answered).toBe(200);
    expect(first?.signatureValid).toBe(true);
    expect(second?.signatureValid).toBe(true);
    expect(Number(second?.timestamp)).toBeGreaterThan(Date.now() / 1000 - 60);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(250);
    // Both attempts are one delivery to the receiver: the same id in the header and the body.
    expect(first?.delivery).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.delivery).toBe(first?.delivery);
    expect(second?.json).toMatchObject({ deliveryId: first?.delivery });
    expect(second?.json).toMatchObject({
      event: 'opened',
      alert: { id: alert.id, kind: 'sos', kindName: '紧急求救', severity: 'critical', status: 'open' },
      retiree: { id: retiree.id, name: '周振华' },
      contact: { name: '周小军', relation: '儿子' },
      centre: { name: '芳草街军休服务中心', phone: '028-85550000' },
    });
    // The signature covers the body: one changed byte, or another key, does not pass.
    expect(verify(SECRET, `${second?.body} `, second?.signature)).toBe(false);
    expect(verify('another-secret-of-some-length', second?.body ?? '', second?.signature)).toBe(false);

    // Every attempt is in the delivery log.
    const log = await eventually(async () => {
      const response = await t.api<Delivery[]>('GET', `/api/alerts/${alert.id}/deliveries`);
      const finals = response.body.filter((entry) => entry.status !== 'retrying');
      return finals.length === 3 ? response.body : undefined;
    }, 10_000);
    const of = (channelId: string) =>
      log.filter((entry) => entry.channelId === channelId).map((entry) => [entry.attempt, entry.status]);
    expect(of(mail.channel.id)).toStrictEqual([[1, 'sent']]);
    expect(of(hook.channel.id)).toStrictEqual([
      [1, 'retrying'],
      [2, 'sent'],
    ]);
    expect(of(dead.channel.id)).toStrictEqual([
      [1, 'retrying'],
      [2, 'retrying'],
      [3, 'failed'],
    ]);
    expect(of(removed.channel.id)).toStrictEqual([]);
    const hookRetry = log.find((entry) => entry.channelId === hook.channel.id && entry.attempt === 1);
    // Of the receiver's answer only the status is kept ("busy" was its body).
    expect(hookRetry).toMatchObject({ error: 'HTTP 500', response: '500', reason: 'opened' });
    expect(log.find((entry) => entry.channelId === hook.channel.id && entry.attempt === 2)?.response).toBe(
      '200',
    );
    const deadFinal = log.find((entry) => entry.channelId === dead.channel.id && entry.attempt === 3);
    expect(deadFinal?.error).toBe('the receiver did not answer');
    // The dead channel held up nobody: the e-mail and the webhook were through before its last try.
    const sentAt = (channelId: string) =>
      Date.parse(log.find((entry) => entry.channelId === channelId && entry.status === 'sent')?.at ?? '');
    expect(sentAt(mail.channel.id)).toBeLessThan(Date.parse(deadFinal?.at ?? ''));
    expect(sentAt(hook.channel.id)).toBeLessThan(Date.parse(deadFinal?.at ?? ''));
  });

  it('tells a channel only from its minimum severity on', async () => {
    const retiree = await t.addRetiree({
      name: '钱学文',
      contacts: [{ name: '钱小燕', relation: '女儿', phone: '13500000000', email: 'xiaoyan@example.com' }],
    });
    const criticalOnly = await addChannel(t, retiree, {
      kind: 'email',
      target: 'xiaoyan@example.com',
      minSeverity: 'critical',
    });
    const fromMedium = await addChannel(t, retiree, {
      kind: 'webhook',
      target: receiver.url,
      secret: SECRET,
      minSeverity: 'medium',
    });
    const watch = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(watch);
    const before = receiver.hooks.length;
    // A suspected fall is a high alert: below "critical", above "medium".
    await publish(client, `eldercare/v1/${watch.device.id}/event`, {
      id: 'f-1',
      type: 'fall',
      certainty: 'suspected',
    });
    const alert = await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body[0];
    });
    expect(alert.severity).toBe('high');
    await eventually(() => receiver.hooks.slice(before).find((entry) => entry.signatureValid));
    // An alert's channels are queued together, so with the queue empty every one of them is done.
    await eventually(() => t.hub.notifications.pending() === 0);
    const log = await t.api<Delivery[]>('GET', `/api/alerts/${alert.id}/deliveries`);
    expect(log.body.map((entry) => [entry.channelId, entry.status])).toStrictEqual([
      [fromMedium.channel.id, 'sent'],
    ]);
    expect(log.body.some((entry) => entry.channelId === criticalOnly.channel.id)).toBe(false);
    expect(sink.mails.some((entry) => entry.to.includes('xiaoyan@example.com'))).toBe(false);
  });
});

describe('without an SMTP setting', () => {
  // The hub reads only the settings it is given: no HUB_SMTP_URL here.
  const t = suiteHub();

  it('records e-mail deliveries as failed with a clear reason, once', async () => {
    const retiree = await t.addRetiree({
      contacts: [{ name: '孙小雨', relation: '儿媳', phone: '13400000000', email: 'xiaoyu@example.com' }],
    });
    const mail = await addChannel(t, retiree, { kind: 'email', target: 'xiaoyu@example.com' });
    const alert = await pressSos(t, retiree, 'sos-no-smtp');
    const log = await eventually(async () => {
      const response = await t.api<Delivery[]>('GET', `/api/alerts/${alert.id}/deliveries`);
      return response.body.length ? response.body : undefined;
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ channelId: mail.channel.id, attempt: 1, status: 'failed', kind: 'email' });
    expect(log[0]?.error).toContain('HUB_SMTP_URL');
    // The alert itself went on as ever.
    expect((await t.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);
  });
});
