/**
 * Who is rung for which alert, over a whole hub: a security alert (the hub's own) reaches the live
 * sockets of the roles that work alerts at the desk and no caseworker's, nor does it appear in a
 * caseworker's lists, while an SOS still reaches every member of staff, a station's caseworker
 * included; the escalation ladder's staff are chosen by the same rule, so a caseworker on duty is
 * not told of a security alert they may not open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffReached } from '../../server/notify/audiences.ts';
import type { Alert, ServerToClientEvents } from '../../server/schemas/index.ts';
import { guessSecrets } from '../gateway/mqtt-frames.ts';
import { addStations, created, eventually, pressSos } from '../helpers/hub.ts';
import { connectLive, type Live } from '../helpers/live.ts';
import { suiteHub } from '../helpers/suite.ts';

type AlertMessage = Parameters<ServerToClientEvents['alert']>[0];

const AUTH_THRESHOLD = 3;

describe('alerts reach only the roles that may open them', () => {
  const t = suiteHub({
    HUB_SECURITY_AUTH_FAILURES: String(AUTH_THRESHOLD),
    HUB_SECURITY_AUTH_WINDOW_SECONDS: '60',
    HUB_MQTT_FAILED_CONNECTS_PER_IP: '1000',
    HUB_MQTT_FAILED_CONNECTS_PER_USERNAME: '1000',
  });
  const sockets: Live[] = [];
  const heard = new Map<string, AlertMessage[]>();
  let caseworker: { id: string; token: string };

  /** A live socket signed in as `token`, keeping every `alert` it hears under `name`. */
  async function listen(name: string, token: string): Promise<void> {
    const socket = await connectLive(t.url, token);
    sockets.push(socket);
    const list: AlertMessage[] = [];
    heard.set(name, list);
    socket.on('alert', (message) => list.push(message));
  }
  const kindsHeard = (name: string) => new Set((heard.get(name) ?? []).map((message) => message.alert.kind));

  beforeAll(async () => {
    caseworker = await t.addStaff('alert-rooms-caseworker', 'caseworker');
    const operator = await t.addStaff('alert-rooms-operator', 'operator');
    await listen('admin', t.token);
    await listen('caseworker', caseworker.token);
    await listen('operator', operator.token);
  });
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });

  it("sends a security alert to the desk's sockets and not to a caseworker's; an SOS to all", async () => {
    const { east, stationCaseworker } = await addStations(t, 'alert-rooms-east');
    await listen('station', stationCaseworker.token);

    const retiree = await t.addRetiree();
    const watch = await t.addDevice('wearable.watch', retiree.id);
    expect(await guessSecrets(t.hub.mqttPort, watch.device.id, AUTH_THRESHOLD)).toEqual(
      Array(AUTH_THRESHOLD).fill(4),
    );
    const security = await eventually(() =>
      heard.get('admin')?.find((message) => message.alert.kind === 'security'),
    );
    expect(security.alert.detail).toMatchObject({ event: 'mqtt_auth_failures', subjects: [watch.device.id] });

    // An SOS afterwards: once every socket has it, anything sent before it has arrived too.
    const sos = await pressSos(t, east, 'alert-rooms-sos-1');
    for (const name of ['admin', 'caseworker', 'operator', 'station']) {
      await eventually(() => heard.get(name)?.some((message) => message.alert.id === sos.id));
    }
    // Acknowledging the security alert is an update: it too goes to the desk alone.
    const acknowledged = await t.api<Alert>('POST', `/api/alerts/${security.alert.id}/ack`, {});
    expect(acknowledged.status).toBe(200);
    await eventually(() =>
      heard
        .get('admin')
        ?.some(
          (message) => message.alert.id === security.alert.id && message.alert.status === 'acknowledged',
        ),
    );
    const later = await pressSos(t, await t.addRetiree(), 'alert-rooms-sos-2');
    for (const name of ['caseworker', 'operator']) {
      await eventually(() => heard.get(name)?.some((message) => message.alert.id === later.id));
    }

    for (const name of ['caseworker', 'station']) {
      expect(kindsHeard(name), name).toStrictEqual(new Set(['sos']));
    }
    await eventually(() =>
      heard
        .get('operator')
        ?.some(
          (message) => message.alert.id === security.alert.id && message.alert.status === 'acknowledged',
        ),
    );
    expect(kindsHeard('operator')).toStrictEqual(new Set(['security', 'sos']));
    expect(kindsHeard('admin')).toStrictEqual(new Set(['security', 'sos']));

    // Nor is it in a caseworker's lists, nor opened by one.
    const listed = await t.api<Alert[]>('GET', '/api/alerts?status=active', undefined, caseworker.token);
    expect(listed.body.map((alert) => alert.kind)).not.toContain('security');
    expect(listed.body.map((alert) => alert.id)).toContain(later.id);
    const history = await t.api<{ items: Alert[] }>('GET', '/api/alert-history', undefined, caseworker.token);
    expect(history.body.items.map((alert) => alert.kind)).not.toContain('security');
    expect((await t.api('GET', `/api/alerts/${security.alert.id}`, undefined, caseworker.token)).status).toBe(
      404,
    );
    expect((await t.api('GET', `/api/alerts/${security.alert.id}`)).status).toBe(200);
  });

  it('leaves a caseworker on duty out of the staff told of a security alert, not of an SOS', async () => {
    const now = new Date();
    const shift = {
      startsAt: new Date(now.getTime() - 3_600_000).toISOString(),
      endsAt: new Date(now.getTime() + 3_600_000).toISOString(),
    };
    await created(t, '/api/duty/roster', { userId: caseworker.id, ...shift });
    const reached = async (kind?: string) =>
      (await staffReached(t.hub.db, ['on_duty', 'manager'], [caseworker.id], now, kind)).map(
        (member) => member.role,
      );
    expect(await reached('sos')).toContain('caseworker');
    expect(await reached()).toContain('caseworker');
    const security = await reached('security');
    expect(security).not.toContain('caseworker');
    expect(security).toContain('admin');
  });
});
