/**
 * Webhook targets cannot steer the hub against its own network (OWASP ASVS 5.2.6): a real hub,
 * real listeners on loopback standing for a local database or metadata service. A target in a
 * refused range is a 400 when it is an IP literal or a localhost name; otherwise it is refused when
 * dialled, and the listener hears nothing. The centre's allow-list lets its own gateway through;
 * the delivery log keeps only status codes and one text for every network failure.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { migrate } from '../../server/db/migrate.ts';
import { NotificationService } from '../../server/notify/service.ts';
import { NO_ANSWER, TARGET_NOT_ALLOWED } from '../../server/notify/transports.ts';
import type { Channel, CreatedChannel, Delivery, Retiree } from '../../server/schemas/index.ts';
import { eventually, metricValue, pressSos, startTestHub, type TestHub } from '../helpers/hub.ts';
import { verify } from './webhook.ts';

const SECRET = 'a-shared-secret-for-the-sms-gateway';
/** What a local service would answer: it must never reach the delivery log. */
const SECRET_BODY = '{"results":[{"statement_id":0}],"token":"local-service-secret-4711"}';

interface Listener {
  port: number;
  /** TCP connections accepted, whatever came over them. */
  connections: number;
  requests: { url: string; body: string; signatureValid: boolean }[];
  stop(): Promise<void>;
}

/** An HTTP listener on a loopback address that answers 200 with a body nobody should see. */
async function httpListener(
  host: '127.0.0.1' | '::1',
  answer: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(SECRET_BODY);
  },
): Promise<Listener> {
  const listener: Listener = { port: 0, connections: 0, requests: [], stop: async () => {} };
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = request.headers['x-junxiu-signature'] as string | undefined;
      listener.requests.push({
        url: request.url ?? '',
        body,
        signatureValid: verify(SECRET, body, signature),
      });
      answer(request, response);
    });
  });
  server.on('connection', () => {
    listener.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  listener.port = (server.address() as AddressInfo).port;
  listener.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return listener;
}

/** A TCP listener on 127.0.0.1 that does `onSocket` with every connection (hang up, stay silent…). */
async function tcpListener(
  onSocket: (socket: Socket) => void,
): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nobody listens on: the OS hands one out, and we give it back. */
async function closedPort(): Promise<number> {
  const listener = await tcpListener(() => {});
  await listener.stop();
  return listener.port;
}

function channelsPath(retiree: Retiree, contactIndex = 0): string {
  return `/api/retirees/${retiree.id}/contacts/${retiree.contacts[contactIndex]?.id}/channels`;
}

/** The delivery log of an alert once each of `count` channels has its one, final attempt. */
async function finalLog(t: TestHub, alertId: string, count: number, timeoutMs = 10_000): Promise<Delivery[]> {
  return eventually(async () => {
    const response = await t.api<Delivery[]>('GET', `/api/alerts/${alertId}/deliveries`);
    const finals = response.body.filter((entry) => entry.status !== 'retrying');
    return finals.length >= count ? response.body : undefined;
  }, timeoutMs);
}

/** A pino logger whose lines the test reads, as an IT operator reads the server log. */
function capturedLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

describe('webhook targets inside the centre are refused', () => {
  let t: TestHub;
  let v4: Listener;
  let v6: Listener;
  const log = capturedLogger();

  beforeAll(async () => {
    v4 = await httpListener('127.0.0.1');
    v6 = await httpListener('::1');
    t = await startTestHub({ HUB_WEBHOOK_RETRY_DELAYS: '0' }, { logger: log.logger });
  });
  afterAll(async () => {
    await t?.stop();
    await v4?.stop();
    await v6?.stop();
  });

  it('answers 400 to an IP literal or a localhost name in a refused range, naming why', async () => {
    const retiree = await t.addRetiree();
    const port = v4.port;
    const targets = [
      `http://127.0.0.1:${port}/query?q=DROP%20DATABASE%20telemetry`,
      `http://127.0.0.2:${port}/`,
      `http://localhost:${port}/`,
      `http://LOCALHOST.:${port}/`,
      `http://hub.localhost:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://017700000001:${port}/`,
      `http://127.1:${port}/`,
      `http://0:${port}/`,
      `http://0.0.0.0:${port}/`,
      `https://127.0.0.1:${port}/`,
      `http://[::1]:${v6.port}/`,
      `http://[0:0:0:0:0:0:0:1]:${v6.port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[64:ff9b::127.0.0.1]:${port}/`,
      `http://[::]:${port}/`,
      // The hub's own routes.
      `${t.url}/api/auth/login`,
      // Cloud metadata services: most clouds, Alibaba Cloud, AWS over IPv6.
      'http://169.254.169.254/latest/meta-data/',
      'http://0xA9FEA9FE/latest/meta-data/',
      'http://100.100.100.200/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/latest/meta-data/',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.1.1/cgi-bin/',
      'http://100.64.0.1/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'http://198.18.0.1/',
      'http://192.0.2.1/',
      'http://[fc00::1]/',
      'http://[fe80::1]/',
      'http://[fec0::1]/',
      'http://[ff02::1]/',
    ];
    const before = await metricValue(t, 'hub_notify_channels_refused_total');
    for (const target of targets) {
      const response = await t.api<{ message: string }>('POST', channelsPath(retiree), {
        kind: 'webhook',
        target,
        secret: SECRET,
      });
      expect(response.status, target).toBe(400);
      expect(response.body.message, target).toContain(TARGET_NOT_ALLOWED);
      expect(response.body.message, target).toContain('HUB_NOTIFY_ALLOWED_NETWORKS');
    }
    const loopback = await t.api<{ message: string }>('POST', channelsPath(retiree), {
      kind: 'webhook',
      target: `http://127.0.0.1:${port}/`,
    });
    expect(loopback.body.message).toContain('127.0.0.1 is a loopback address');
    const metadata = await t.api<{ message: string }>('POST', channelsPath(retiree), {
      kind: 'webhook',
      target: 'http://100.100.100.200/latest/meta-data/',
    });
    expect(metadata.body.message).toContain('carrier-grade NAT');
    expect((await t.api<Channel[]>('GET', channelsPath(retiree))).body).toStrictEqual([]);
    expect(await metricValue(t, 'hub_notify_channels_refused_total')).toBe(before + targets.length + 2);
    // A public address and a host name are stored; the name is judged when it is dialled.
    for (const target of ['https://47.96.1.1/hook', 'https://sms.gateway.example.cn/hook']) {
      expect((await t.api('POST', channelsPath(retiree), { kind: 'webhook', target })).status).toBe(201);
    }
    expect(v4.connections + v6.connections).toBe(0);
  });

  it('refuses when dialling a stored target that is, or resolves to, a refused address: nothing reaches it', async () => {
    const retiree = await t.addRetiree();
    const contactId = retiree.contacts[0]?.id ?? '';
    // Channels stored before targets were judged when added; `localhost` goes through the OS
    // resolver when the alert comes, like any name that resolves to a local address.
    const targets = [
      `http://localhost:${v4.port}/query?q=DROP%20DATABASE%20telemetry`,
      `http://127.0.0.1:${v4.port}/hook`,
      `http://2130706433:${v4.port}/hook`,
      `http://0x7f.1:${v4.port}/hook`,
      `http://0.0.0.0:${v4.port}/hook`,
      `http://[::ffff:127.0.0.1]:${v4.port}/hook`,
      `http://[::1]:${v6.port}/hook`,
      `${t.url}/api/auth/login`,
    ];
    for (const target of targets) {
      await t.hub.notifications.records.addChannel({
        contactId,
        kind: 'webhook',
        target,
        secret: SECRET,
        minSeverity: 'low',
        enabled: true,
      });
    }
    const alert = await pressSos(t, retiree, 'sos-ssrf-stored');
    const entries = await finalLog(t, alert.id, targets.length);
    // Deliveries run side by side, so the log is in no particular order.
    expect(
      entries.map((entry) => [entry.target, entry.status, entry.error, entry.response]).sort(),
    ).toStrictEqual(targets.map((target) => [target, 'failed', TARGET_NOT_ALLOWED, null]).sort());
    expect(v4.connections).toBe(0);
    expect(v6.connections).toBe(0);
    expect(v4.requests).toStrictEqual([]);
    // The server log tells IT which address, and why; the name's address came from the resolver.
    const refusals = log.lines.filter((line) => line.msg === 'webhook target address refused');
    expect(refusals).toContainEqual(
      expect.objectContaining({ host: 'localhost', address: '127.0.0.1', refusal: 'loopback', level: 40 }),
    );
    expect(refusals).toContainEqual(
      expect.objectContaining({ address: '::ffff:7f00:1', refusal: 'loopback', alertId: alert.id }),
    );
    expect(refusals).toContainEqual(expect.objectContaining({ address: '0.0.0.0', refusal: 'this-network' }));
  });

  it('counts the deliveries it refused, by why, where it is given a registry', async () => {
    const retiree = await t.addRetiree();
    const alert = await pressSos(t, retiree, 'sos-ssrf-metrics');
    await t.hub.notifications.records.addChannel({
      contactId: retiree.contacts[0]?.id ?? '',
      kind: 'webhook',
      target: `http://localhost:${v4.port}/hook`,
      secret: null,
      minSeverity: 'low',
      enabled: true,
    });
    const registry = new Registry();
    const service = new NotificationService(
      t.hub.db,
      loadConfig({ HUB_WEBHOOK_RETRY_DELAYS: '0' }).notify,
      pino({ level: 'silent' }),
      { registry },
    );
    service.start();
    try {
      await service.notify({ reason: 'opened', alert, audiences: ['family'] });
      await eventually(() => service.pending() === 0);
    } finally {
      await service.stop();
    }
    expect(await registry.getSingleMetricAsString('hub_notify_deliveries_refused_total')).toContain(
      'hub_notify_deliveries_refused_total{reason="loopback"} 1',
    );
    expect(v4.connections).toBe(0);
  });

  it('lets only supervisors and admins add or remove a channel', async () => {
    const retiree = await t.addRetiree();
    const caseworker = await t.addStaff('ssrf-caseworker', 'caseworker');
    const supervisor = await t.addStaff('ssrf-supervisor', 'supervisor');
    const body = { kind: 'webhook', target: 'https://sms.gateway.example.cn/hook' };
    expect((await t.api('POST', channelsPath(retiree), body, caseworker.token)).status).toBe(403);
    const added = await t.api<CreatedChannel>('POST', channelsPath(retiree), body, supervisor.token);
    expect(added.status).toBe(201);
    // Every member of staff may still read them.
    expect(
      (await t.api<Channel[]>('GET', channelsPath(retiree), undefined, caseworker.token)).body,
    ).toHaveLength(1);
    const one = `${channelsPath(retiree)}/${added.body.channel.id}`;
    expect((await t.api('DELETE', one, undefined, caseworker.token)).status).toBe(403);
    expect((await t.api('DELETE', one, undefined, supervisor.token)).status).toBe(204);
  });

  it('cuts the webhook answers already stored to their status codes, and their network errors to one text', async () => {
    const retiree = await t.addRetiree();
    const contactId = retiree.contacts[0]?.id ?? '';
    const alert = await pressSos(t, retiree, 'sos-ssrf-migration');
    const add = (kind: 'webhook' | 'email', target: string) =>
      t.hub.notifications.records.addChannel({
        contactId,
        kind,
        target,
        secret: null,
        minSeverity: 'low',
        enabled: false,
      });
    const hook = await add('webhook', 'http://127.0.0.1:8086/query?q=DROP%20DATABASE%20telemetry');
    const mail = await add('email', 'daughter@example.com');
    const stored: [string, string | null, string | null][] = [
      [hook.id, `200 ${SECRET_BODY}`, null],
      [hook.id, '500 <html><body>Internal Server Error</body></html>', 'HTTP 500'],
      [hook.id, null, 'fetch failed: connect ECONNREFUSED 127.0.0.1:8086'],
      [hook.id, null, 'The operation was aborted due to timeout'],
      [hook.id, null, 'hub stopped before delivery'],
      [mail.id, '250 2.0.0 Ok: queued as 4F1A2B', null],
      [mail.id, null, 'Connection closed unexpectedly'],
    ];
    for (const [index, [channelId, response, error]] of stored.entries()) {
      await t.hub.db.query(
        `insert into notification_deliveries (alert_id, channel_id, reason, attempt, status, response, error)
         values ($1, $2, 'opened', $3, 'failed', $4, $5)`,
        [alert.id, channelId, index + 1, response, error],
      );
    }
    await t.hub.db.query("delete from schema_migrations where version = '022_webhook_answers.sql'");
    expect(await migrate(t.hub.db)).toStrictEqual(['022_webhook_answers.sql']);
    const log = (await t.api<Delivery[]>('GET', `/api/alerts/${alert.id}/deliveries`)).body;
    expect(log.map((entry) => [entry.channelId, entry.response, entry.error])).toStrictEqual([
      [hook.id, '200', null],
      [hook.id, '500', 'HTTP 500'],
      [hook.id, null, NO_ANSWER],
      [hook.id, null, NO_ANSWER],
      [hook.id, null, 'hub stopped before delivery'],
      [mail.id, '250 2.0.0 Ok: queued as 4F1A2B', null],
      [mail.id, null, 'Connection closed unexpectedly'],
    ]);
  });
});

describe("the centre's allow-list, and what the delivery log keeps", () => {
  let t: TestHub;
  const log = capturedLogger();
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    t = await startTestHub(
      {
        HUB_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32',
        HUB_WEBHOOK_RETRY_DELAYS: '0',
        HUB_NOTIFY_TIMEOUT_MS: '1500',
      },
      { logger: log.logger },
    );
  });
  afterAll(async () => {
    await t?.stop();
    for (const stop of stops) await stop();
  });

  it('sends the signed POST to an allowed receiver, and keeps only its status code', async () => {
    const gateway = await httpListener('127.0.0.1');
    const busy = await httpListener('127.0.0.1', (_request, response) => {
      response.writeHead(503, { 'content-type': 'text/html' });
      response.end(`<html>${SECRET_BODY}</html>`);
    });
    const elsewhere = await httpListener('127.0.0.1');
    const moved = await httpListener('127.0.0.1', (_request, response) => {
      response.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}/stolen` });
      response.end(SECRET_BODY);
    });
    const v6 = await httpListener('::1');
    stops.push(gateway.stop, busy.stop, elsewhere.stop, moved.stop, v6.stop);
    const retiree = await t.addRetiree();
    const add = async (target: string) => {
      const response = await t.api<CreatedChannel>('POST', channelsPath(retiree), {
        kind: 'webhook',
        target,
        secret: SECRET,
        minSeverity: 'low',
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.channel;
    };
    const sent = await add(`http://127.0.0.1:${gateway.port}/sms`);
    const refusedBusy = await add(`http://127.0.0.1:${busy.port}/sms`);
    const redirected = await add(`http://127.0.0.1:${moved.port}/sms`);
    // The IPv4-mapped spelling of an allowed address is that address.
    const mapped = await add(`http://[::ffff:127.0.0.1]:${gateway.port}/mapped`);
    // Only 127.0.0.1 is allowed: not the rest of 127/8, not ::1, so not `localhost` either.
    for (const target of [
      `http://127.0.0.2:${gateway.port}/`,
      `http://[::1]:${v6.port}/`,
      'http://localhost/',
    ]) {
      expect((await t.api('POST', channelsPath(retiree), { kind: 'webhook', target })).status, target).toBe(
        400,
      );
    }

    const alert = await pressSos(t, retiree, 'sos-ssrf-allowed');
    const entries = await finalLog(t, alert.id, 4);
    const of = (channel: Channel) => entries.find((entry) => entry.channelId === channel.id);
    expect(of(sent)).toMatchObject({ status: 'sent', response: '200', error: null });
    expect(of(mapped)).toMatchObject({ status: 'sent', response: '200', error: null });
    expect(of(refusedBusy)).toMatchObject({ status: 'failed', response: '503', error: 'HTTP 503' });
    expect(of(redirected)).toMatchObject({
      status: 'failed',
      response: '302',
      error: 'HTTP 302 (redirects are not followed)',
    });
    expect(JSON.stringify(entries)).not.toContain('local-service-secret');
    expect(gateway.requests.map((request) => [request.url, request.signatureValid])).toStrictEqual(
      expect.arrayContaining([
        ['/sms', true],
        ['/mapped', true],
      ]),
    );
    expect(elsewhere.connections).toBe(0);
  });

  it('tells staff the same for a closed port, a hang-up, silence and a stranger protocol', async () => {
    const hangUp = await tcpListener((socket) => socket.destroy());
    const silent = await tcpListener(() => {});
    const stranger = await tcpListener((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    stops.push(hangUp.stop, silent.stop, stranger.stop);
    const retiree = await t.addRetiree();
    const ports = {
      closed: await closedPort(),
      hangUp: hangUp.port,
      silent: silent.port,
      stranger: stranger.port,
    };
    const channels = new Map<string, string>();
    for (const [name, port] of Object.entries(ports)) {
      const response = await t.api<CreatedChannel>('POST', channelsPath(retiree), {
        kind: 'webhook',
        target: `http://127.0.0.1:${port}/hook`,
        minSeverity: 'low',
      });
      expect(response.status).toBe(201);
      channels.set(response.body.channel.id, name);
    }
    const alert = await pressSos(t, retiree, 'sos-ssrf-failures');
    const entries = await finalLog(t, alert.id, channels.size);
    expect(
      entries.map((entry) => [channels.get(entry.channelId), entry.error, entry.response]).sort(),
    ).toStrictEqual([...channels.values()].map((name) => [name, NO_ANSWER, null]).sort());
    // The server log keeps the cause for IT.
    const causes = log.lines.filter(
      (line) => line.msg === 'webhook receiver did not answer' && line.alertId === alert.id,
    );
    expect(causes).toHaveLength(channels.size);
    expect(causes).toContainEqual(expect.objectContaining({ code: 'ECONNREFUSED', level: 40 }));
    expect(causes).toContainEqual(expect.objectContaining({ cause: 'no answer within 1500 ms' }));
  });
});
