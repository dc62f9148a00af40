/**
 * Devices on an EMQX cluster: the hooks EMQX calls, called here as EMQX 5 does (a JSON body made
 * from its placeholders, the token the hub was given in a header). A device with its secret gets
 * in with its own topics as its access list; a wrong secret, a revoked device, another device's
 * topic, a retained event, `$SYS` are refused; a guesser's address is cooled down while the real
 * device, from its own address, still gets in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDevice } from '../../server/schemas/devices.ts';
import { call, metricValue, startTestHub, type TestHub } from '../helpers/hub.ts';

const TOKEN = 'emqx-hook-token-0123456789abcdef0123456789';

interface Authn {
  result: 'allow' | 'deny';
  is_superuser: boolean;
  client_attrs?: Record<string, string>;
  acl?: { permission: string; action: string; topic: string; retain?: boolean }[];
}

describe('EMQX authentication and authorisation hooks', () => {
  let t: TestHub;
  let pendant: CreatedDevice;
  let bridge: CreatedDevice;

  beforeAll(async () => {
    t = await startTestHub({
      HUB_EMQX_HOOK_TOKEN: TOKEN,
      HUB_MQTT_FAILED_CONNECTS_PER_IP: '3',
    });
    pendant = await t.addDevice('pendant.sos', (await t.addRetiree()).id);
    const created = await t.api<CreatedDevice>('POST', '/api/devices', {
      id: 'emqx-bridge',
      type: 'bridge.zigbee2mqtt',
    });
    bridge = created.body;
  });
  afterAll(() => t?.stop());

  /** As EMQX's HTTP authenticator posts it: `{"clientid":"${clientid}",…}` with the hub's token. */
  const authn = (body: Record<string, string>, token = TOKEN) =>
    call<Authn>(t.url, 'POST', '/api/broker/emqx/authn', body, token);
  const authz = (body: Record<string, unknown>) =>
    call<{ result: string }>(t.url, 'POST', '/api/broker/emqx/authz', body, TOKEN);

  it('lets a device in with its secret, and answers its own topics as its access list', async () => {
    const id = pendant.device.id;
    const answer = await authn({
      clientid: id,
      username: id,
      password: pendant.secret,
      peerhost: '10.1.0.5',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      result: 'allow',
      is_superuser: false,
      client_attrs: { device_type: 'pendant.sos' },
    });
    expect(answer.body.acl).toEqual([
      { permission: 'allow', action: 'publish', topic: `eldercare/v1/${id}/status` },
      { permission: 'allow', action: 'publish', topic: `eldercare/v1/${id}/telemetry`, retain: false },
      { permission: 'allow', action: 'publish', topic: `eldercare/v1/${id}/event`, retain: false },
      { permission: 'allow', action: 'subscribe', topic: `eldercare/v1/${id}/cmd` },
      { permission: 'deny', action: 'all', topic: '#' },
    ]);
    const forBridge = await authn({
      clientid: 'emqx-bridge',
      username: 'emqx-bridge',
      password: bridge.secret,
      peerhost: '10.1.0.6',
    });
    expect(forBridge.body.acl?.[0]).toEqual({ permission: 'allow', action: 'all', topic: 'zigbee2mqtt/#' });
  });

  it('refuses a wrong secret, a client id that is not the device, and answers no stranger', async () => {
    const id = pendant.device.id;
    const wrong = await authn({
      clientid: id,
      username: id,
      password: 'not-the-secret',
      peerhost: '10.2.0.1',
    });
    expect(wrong.body).toEqual({ result: 'deny', is_superuser: false });
    const other = await authn({
      clientid: 'someone',
      username: id,
      password: pendant.secret,
      peerhost: '10.2.0.2',
    });
    expect(other.body.result).toBe('deny');
    expect(await metricValue(t, 'hub_broker_hook_requests_total{hook="connect",outcome="bad_secret"}')).toBe(
      1,
    );

    // Only EMQX, holding the token, may ask.
    expect(
      (await authn({ clientid: id, username: id, password: pendant.secret }, 'x'.repeat(40))).status,
    ).toBe(401);
    const bare = await call(t.url, 'POST', '/api/broker/emqx/authn', { clientid: id }, null);
    expect(bare.status).toBe(401);
    const malformed = await call(t.url, 'POST', '/api/broker/emqx/authn', { username: 7 }, TOKEN);
    expect(malformed.status).toBe(400);
  });

  it('allows a device its own topics only', async () => {
    const id = pendant.device.id;
    const asks = {
      ownEvent: {
        clientid: id,
        username: id,
        action: 'publish',
        topic: `eldercare/v1/${id}/event`,
        qos: 1,
        retain: 'false',
      },
      retainedStatus: {
        clientid: id,
        username: id,
        action: 'publish',
        topic: `eldercare/v1/${id}/status`,
        retain: 'true',
      },
      ownCmd: { clientid: id, username: id, action: 'subscribe', topic: `eldercare/v1/${id}/cmd`, qos: 1 },
      retainedEvent: {
        clientid: id,
        username: id,
        action: 'publish',
        topic: `eldercare/v1/${id}/event`,
        retain: true,
      },
      othersEvent: {
        clientid: id,
        username: id,
        action: 'publish',
        topic: 'eldercare/v1/someone-else/event',
      },
      command: { clientid: id, username: id, action: 'publish', topic: `eldercare/v1/${id}/cmd` },
      everything: { clientid: id, username: id, action: 'subscribe', topic: 'eldercare/v1/#' },
      sys: { clientid: id, username: id, action: 'subscribe', topic: '$SYS/brokers' },
      bridgeOwn: {
        clientid: 'emqx-bridge',
        username: 'emqx-bridge',
        action: 'publish',
        topic: 'zigbee2mqtt/sos-1',
      },
      bridgeOut: {
        clientid: 'emqx-bridge',
        username: 'emqx-bridge',
        action: 'publish',
        topic: `eldercare/v1/${id}/event`,
      },
    };
    const results: Record<string, string> = {};
    for (const [name, body] of Object.entries(asks)) results[name] = (await authz(body)).body.result;
    expect(results).toEqual({
      ownEvent: 'allow',
      retainedStatus: 'allow',
      ownCmd: 'allow',
      retainedEvent: 'deny',
      othersEvent: 'deny',
      command: 'deny',
      everything: 'deny',
      sys: 'deny',
      bridgeOwn: 'allow',
      bridgeOut: 'deny',
    });
  });

  it('cools down a guessing address while the device gets in from its own', async () => {
    const id = pendant.device.id;
    for (let n = 0; n < 3; n += 1) {
      await authn({ clientid: id, username: id, password: `guess-${n}`, peerhost: '10.9.9.9' });
    }
    const fromGuesser = await authn({
      clientid: id,
      username: id,
      password: pendant.secret,
      peerhost: '10.9.9.9',
    });
    expect(fromGuesser.body.result).toBe('deny');
    expect(await metricValue(t, 'hub_broker_hook_requests_total{hook="connect",outcome="ip_cooldown"}')).toBe(
      1,
    );
    const fromDevice = await authn({
      clientid: id,
      username: id,
      password: pendant.secret,
      peerhost: '10.1.0.5',
    });
    expect(fromDevice.body.result).toBe('allow');
    // The refusals are on the security page like the embedded broker's.
    const security = await t.api<{ refusedDevices: { address: string | null; reason: string }[] }>(
      'GET',
      '/api/security/overview',
    );
    expect(security.body.refusedDevices).toContainEqual(
      expect.objectContaining({ address: '10.9.9.9', reason: 'ip_cooldown' }),
    );
  });

  it('refuses a revoked device at once', async () => {
    const device = await t.addDevice('pendant.sos', null);
    const id = device.device.id;
    expect((await t.api('POST', `/api/devices/${id}/revoke`, { reason: '遗失' })).status).toBe(200);
    const answer = await authn({ clientid: id, username: id, password: device.secret, peerhost: '10.1.0.7' });
    expect(answer.body.result).toBe('deny');
    const publish = await authz({
      clientid: id,
      username: id,
      action: 'publish',
      topic: `eldercare/v1/${id}/event`,
    });
    expect(publish.body.result).toBe('deny');
  });
});

describe('without HUB_EMQX_HOOK_TOKEN', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  it('has no hooks', async () => {
    const answer = await call(t.url, 'POST', '/api/broker/emqx/authn', { clientid: 'x' }, TOKEN);
    expect(answer.status).toBe(404);
  });
});
