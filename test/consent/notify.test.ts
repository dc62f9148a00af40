/**
 * Consents reach the notification channels too: a family member whose sharing consent is withdrawn
 * gets no more e-mail or webhook messages about the retiree, and a withdrawn consent to process
 * health data stops every family message; the other family members keep theirs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FamilyAccount } from '../../server/schemas/family.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';

describe('consents and the family notification channels', () => {
  let t: TestHub;
  let retiree: Retiree;
  /** Another retiree, whose consents stand, with one family channel. */
  let neighbour: Retiree;
  let receiver: http.Server;
  const received: { path: string; event: string; alertId?: string }[] = [];
  let events = 0;

  /** An SOS from a new pendant of `of` (周永年 unless given); resolves with the alert it opened. */
  async function sos(of: Retiree = retiree): Promise<string> {
    events += 1;
    const device = await t.addDevice('pendant.sos', of.id);
    const client = await t.connectDevice(device);
    await publish(client, `eldercare/v1/${device.device.id}/event`, {
      id: `consent-sos-${events}`,
      type: 'sos',
    });
    const alert = await eventually(async () => {
      const list = await t.api<{ id: string; deviceId: string; status: string }[]>(
        'GET',
        `/api/alerts?retireeId=${of.id}&status=active`,
      );
      return list.body.find((candidate) => candidate.deviceId === device.device.id);
    }, 15_000);
    return alert.id;
  }

  async function resolve(alertId: string): Promise<void> {
    await t.api('POST', `/api/alerts/${alertId}/ack`, {});
    const resolved = await t.api('POST', `/api/alerts/${alertId}/resolve`, { outcome: 'test', note: '测试' });
    expect(resolved.status).toBe(200);
  }

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const message = JSON.parse(body) as { event: string; alert?: { id: string } };
        received.push({ path: request.url ?? '', event: message.event, alertId: message.alert?.id });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    // The receiver stands in for the centre's SMS gateway on its own network.
    t = await startTestHub({ HUB_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32' });
    retiree = await t.addRetiree({
      name: '周永年',
      contacts: [
        { name: '周小燕', relation: '女儿', phone: '13800000021' },
        { name: '周小兵', relation: '儿子', phone: '13800000022' },
      ],
    });
    // The daughter (first contact) has a family account; the son has only a channel.
    await t.addFamily(retiree, 'zhou.daughter', '周小燕');
    neighbour = await t.addRetiree({ name: '吴德明' });
    for (const [owner, index, path] of [
      [retiree, 0, '/daughter'],
      [retiree, 1, '/son'],
      [neighbour, 0, '/neighbour'],
    ] as const) {
      const channel = await t.api(
        'POST',
        `/api/retirees/${owner.id}/contacts/${owner.contacts[index]?.id}/channels`,
        {
          kind: 'webhook',
          target: `http://127.0.0.1:${port}${path}`,
          minSeverity: 'low',
        },
      );
      expect(channel.status).toBe(201);
    }
  });

  afterAll(async () => {
    receiver?.close();
    await t?.stop();
  });

  const toldAbout = (alertId: string) =>
    received
      .filter((message) => message.alertId === alertId && message.event === 'opened')
      .map((m) => m.path)
      .sort();

  it('tells both while consent stands, then not the family member who withdrew it', async () => {
    const first = await sos();
    await eventually(() => toldAbout(first).length === 2);
    expect(toldAbout(first)).toStrictEqual(['/daughter', '/son']);
    await resolve(first);

    const accounts = await t.api<FamilyAccount[]>('GET', `/api/retirees/${retiree.id}/family-accounts`);
    const daughter = accounts.body.find((account) => account.username === 'zhou.daughter')!;
    const withdrawn = await t.api('POST', `/api/retirees/${retiree.id}/consents`, {
      kind: 'family_sharing',
      state: 'withdrawn',
      familyUserId: daughter.userId,
      basis: '家属书面申请撤回',
    });
    expect(withdrawn.status).toBe(201);
    const second = await sos();
    await eventually(() => toldAbout(second).length === 1);
    // An alert's channels are queued together, so with the queue empty every one of them is done.
    await eventually(() => t.hub.notifications.pending() === 0);
    expect(toldAbout(second)).toStrictEqual(['/son']);
    await resolve(second);
  });

  it('tells no family member once the consent to process health data is withdrawn', async () => {
    const withdrawn = await t.api('POST', `/api/retirees/${retiree.id}/consents`, {
      kind: 'health_processing',
      state: 'withdrawn',
      basis: '本人书面撤回',
    });
    expect(withdrawn.status).toBe(201);
    const third = await sos();
    // A neighbour's alert opens after it and is told: alerts are judged for their channels in the
    // order they open (each reads its channels, then whoever handles it, from the records database,
    // which answers one query at a time, in order), so the third's messages, had it any, were queued
    // before the neighbour's; with the queue empty every one of them is done.
    const neighbours = await sos(neighbour);
    await eventually(() => toldAbout(neighbours).length === 1);
    await eventually(() => t.hub.notifications.pending() === 0);
    expect(toldAbout(neighbours)).toStrictEqual(['/neighbour']);
    expect(toldAbout(third)).toStrictEqual([]);
    // The staff are still told: the alert is there.
    const alert = await t.api<{ id: string }>('GET', `/api/alerts/${third}`);
    expect(alert.status).toBe(200);
  });
});
