/**
 * The simulated watches and pendants against a whole hub over real TCP, one listener per protocol:
 * each logs in as its protocol wants, links, and raises an SOS that opens an alert, whose answer the
 * device sees; an alarm the hub leaves unanswered is sent again until it is answered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { watchProtocols } from '../../devices/watches/index.ts';
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import type { Alert, Device } from '../../server/schemas/index.ts';
import { DEFAULT_HOME, SimulatedWatchDevice } from '../../simulators/watches/device.ts';
import { parseWatchScenario, WatchFleet } from '../../simulators/watches/fleet.ts';
import { WATCH_TYPE_OF } from '../../simulators/watches/provision.ts';
import { parseProtocols } from '../../simulators/watches/run.ts';
import { eventually, metricValue } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const IDS: Record<WatchProtocolName, string> = {
  '3g': '8000010001',
  iw: '350000100010000',
  jt808: '14000010001',
};

/** Metres between two points close together (equirectangular). */
function metresBetween(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const x = ((b.lon - a.lon) * Math.PI * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180)) / 180;
  const y = ((b.lat - a.lat) * Math.PI) / 180;
  return Math.hypot(x, y) * 6_371_000;
}

describe('simulated watches and pendants against the hub', () => {
  const t = suiteHub({ HUB_WATCH_3G_PORT: '0', HUB_WATCH_IW_PORT: '0', HUB_WATCH_JT808_PORT: '0' });
  const running: SimulatedWatchDevice[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((device) => device.stop()));
    t.hub.bus.removeOwner('test-store-failure');
  });
  const alertsOf = async (id: string) =>
    (await t.api<Alert[]>('GET', '/api/alerts')).body.filter((alert) => alert.deviceId === id);
  const deviceOf = async (id: string) =>
    (await t.api<Device[]>('GET', '/api/devices')).body.find((device) => device.id === id);

  async function registered(protocol: WatchProtocolName, id = IDS[protocol]) {
    const retiree = await t.addRetiree();
    await t.addDevice(WATCH_TYPE_OF[protocol], retiree.id, id);
    const device = new SimulatedWatchDevice({
      id,
      protocol,
      endpoint: { host: '127.0.0.1', port: t.hub.watchPorts[protocol] },
      linkIntervalMs: 0,
      alarmRepeatMs: 300,
      alarmAttempts: 20,
    });
    running.push(device);
    return device;
  }

  /** The hub refuses the next `count` alarms it is handed, as a store that is down would. */
  function failStores(count: number): void {
    let left = count;
    t.hub.bus.on('device.event', 'test-store-failure', () => {
      if (left <= 0) return;
      left -= 1;
      throw new Error('store unavailable');
    });
  }

  for (const protocol of ['3g', 'iw', 'jt808'] as const) {
    it(`${protocol}: logs in, links, and an SOS opens an alert whose answer the device sees`, async () => {
      const device = await registered(protocol);
      await device.start();
      await eventually(async () => (await deviceOf(IDS[protocol]))?.online === true);
      device.link();
      await eventually(() => device.stats().linksAnswered === 1);
      const outcome = await device.raise('sos');
      expect(outcome).toMatchObject({ alarm: 'sos', answered: true, attempts: 1 });
      // The answer comes only once the alert is committed: it is there without waiting.
      expect(await alertsOf(IDS[protocol])).toMatchObject([{ kind: 'sos', status: 'open' }]);
    });
  }

  it('confirms the hub’s commands as each maker’s firmware does, so staff see them answered', async () => {
    const asked: [WatchProtocolName, string, object][] = [
      ['3g', '8000010003', { kind: 'text', text: '请回电话' }],
      ['iw', '350000100030000', { kind: 'locate' }],
      ['jt808', '13900000003', { kind: 'text', text: '已收到' }],
    ];
    for (const [protocol, id, body] of asked) {
      const device = await registered(protocol, id);
      await device.start();
      await eventually(async () => (await deviceOf(id))?.online === true);
      const sent = await t.api<{ id: string }>('POST', `/api/devices/${id}/commands`, body);
      expect(sent.status).toBe(201);
      await eventually(async () => {
        const log = await t.api<{ commands: { id: string; status: string }[] }>(
          'GET',
          `/api/devices/${id}/commands`,
        );
        return log.body.commands.find((entry) => entry.id === sent.body.id)?.status === 'answered';
      });
      expect(device.stats().commands).toBe(1);
    }
  });

  it('sends an unanswered alarm again until the hub answers it, and the repeats open one alert', async () => {
    const device = await registered('3g', '8000010002');
    await device.start();
    failStores(2);
    const outcome = await device.raise('fall');
    expect(outcome).toMatchObject({ alarm: 'fall', answered: true, attempts: 3 });
    expect(device.stats()).toMatchObject({ alarmsAnswered: 1, alarmRepeats: 2, alarmsUnanswered: 0 });
    expect(await metricValue(t, 'hub_watch_alarms_unanswered_total{protocol="3g",reason="failed"}')).toBe(2);
    expect(await alertsOf('8000010002')).toMatchObject([{ kind: 'fall' }]);
  });

  it('gives an alarm up as unanswered once its attempts run out', async () => {
    const retiree = await t.addRetiree();
    await t.addDevice('watch.iw', retiree.id, '350000100020000');
    const device = new SimulatedWatchDevice({
      id: '350000100020000',
      protocol: 'iw',
      endpoint: { host: '127.0.0.1', port: t.hub.watchPorts.iw },
      linkIntervalMs: 0,
      alarmRepeatMs: 200,
      alarmAttempts: 2,
    });
    running.push(device);
    await device.start();
    failStores(2);
    const outcome = await device.raise('removed');
    expect(outcome).toMatchObject({ answered: false, attempts: 2 });
    expect(device.stats()).toMatchObject({ alarmsUnanswered: 1, alarmsAnswered: 0 });
  });

  it('refuses an alarm the protocol cannot carry', async () => {
    const device = await registered('jt808', '14000010003');
    await expect(device.raise('fall')).rejects.toThrow(/pendant\.jt808 cannot raise fall/);
  });

  it('walks out of the safe zone: positions the hub reads, moving more than 500 m away from home', async () => {
    const retiree = await t.addRetiree();
    await t.addDevice('watch.3g', retiree.id, '8000010004');
    const fleet = new WatchFleet({
      devices: [{ id: '8000010004', protocol: '3g' }],
      host: '127.0.0.1',
      ports: { '3g': t.hub.watchPorts['3g'] },
      linkIntervalMs: 0,
      walkStepMs: 10,
      walkStepMetres: 60,
      walkSteps: 10,
    });
    const [device] = fleet.devices;
    if (!device) throw new Error('no device');
    running.push(device);
    await fleet.start();
    await fleet.apply({ action: 'walk', device: 0, atMs: 0 });
    // The last position, read back by the hub's own decoder.
    const decoded = watchProtocols['3g'].decode(device.speaker.position(device.fix()), {
      receivedAt: Date.now(),
      utcOffsetMinutes: 480,
      session: { nextSerial: () => 0 },
    });
    expect(metresBetween(DEFAULT_HOME, decoded.position ?? DEFAULT_HOME)).toBeGreaterThan(500);
    await eventually(async () => (await metricValue(t, 'hub_watch_frames_total{protocol="3g"}')) >= 10 + 1);
  });
});

describe('watch scenarios and protocols from the command line', () => {
  it('reads action:device@time, and refuses an unknown action, device or protocol with a clear error', () => {
    expect(parseWatchScenario('walk:1@30s', 2)).toEqual({ action: 'walk', device: 1, atMs: 30_000 });
    expect(parseWatchScenario('low-battery:0')).toEqual({ action: 'low-battery', device: 0, atMs: 0 });
    expect(() => parseWatchScenario('jump:0')).toThrow(/unknown watch action "jump"/);
    expect(() => parseWatchScenario('sos:3', 2)).toThrow(/device 3 does not exist \(0–1\)/);
    expect(() => parseWatchScenario('sos')).toThrow(/expected action:device/);
    expect(parseProtocols('3g, IW,3g')).toEqual(['3g', 'iw']);
    expect(() => parseProtocols('3g,gt06')).toThrow(/3g, iw and jt808/);
  });
});
