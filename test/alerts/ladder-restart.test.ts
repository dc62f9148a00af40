/**
 * A hub restarted in the middle of an escalation ladder: the step sent before the restart is not
 * sent again, and the step that fell due while the hub was down goes out once when it is back.
 * Two real hubs, one after the other, on one data folder; the staff channels are webhooks to a
 * local server that records what it is sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertStep } from '../../server/schemas/index.ts';
import { eventually, pressSos, startTestHub, type TestHub } from '../helpers/hub.ts';

const ENV = { HUB_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32', HUB_WEBHOOK_RETRY_DELAYS: '0' };
/** The second step: long enough for the hub to be stopped before it falls due. */
const SECOND_STEP_S = 6;

interface Received {
  path: string;
  event: string;
  level: number | null;
  alertId: string;
}

describe('escalation across a hub restart', () => {
  let t: TestHub | undefined;
  let server: http.Server;
  let origin = '';
  const received: Received[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        const parsed = JSON.parse(body) as { event: string; level: number | null; alert: { id: string } };
        received.push({
          path: request.url ?? '',
          event: parsed.event,
          level: parsed.level,
          alertId: parsed.alert.id,
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  const sent = (alert: Alert, path: string) =>
    received.filter((message) => message.alertId === alert.id && message.path === path);

  it('sends nothing twice and misses nothing', async () => {
    t = await startTestHub(ENV);
    const supervisor = await t.addStaff('ladder-supervisor', 'supervisor');
    const manager = await t.addStaff('ladder-director', 'admin');
    for (const [user, path] of [
      [supervisor, '/supervisor'],
      [manager, '/manager'],
    ] as const) {
      const added = await t.api(
        'POST',
        '/api/me/channels',
        { kind: 'webhook', target: `${origin}${path}` },
        user.token,
      );
      expect(added.status).toBe(201);
    }
    const ladder = await t.api('PUT', '/api/settings/escalation', {
      steps: [
        { afterSeconds: 1, notify: [], users: [supervisor.id], channels: ['webhook'] },
        { afterSeconds: SECOND_STEP_S, notify: [], users: [manager.id], channels: ['webhook'] },
      ],
    });
    expect(ladder.status).toBe(200);

    const alert = await pressSos(t, await t.addRetiree(), 'ladder-restart-1');
    await eventually(() => sent(alert, '/supervisor').length === 1);
    expect(sent(alert, '/manager')).toHaveLength(0);

    // Down before the second step is due, and still down when it falls due.
    await t.stop({ keepData: true });
    const due = Date.parse(alert.openedAt) + SECOND_STEP_S * 1000;
    await eventually(() => Date.now() > due);
    t = await startTestHub(ENV, { dataDir: t.dataDir });
    const restarted = t;

    await eventually(() => sent(alert, '/manager').length === 1);
    expect((await restarted.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);
    const steps = (await restarted.api<AlertStep[]>('GET', `/api/alerts/${alert.id}/steps`)).body;
    expect(steps.filter((step) => step.action === 'escalated').map((step) => step.detail.level)).toEqual([
      1, 2,
    ]);
    expect(sent(alert, '/supervisor').map((message) => message.level)).toEqual([1]);
    expect(sent(alert, '/manager').map((message) => message.level)).toEqual([2]);
  });
});
