/**
 * Watches and pendants on their makers' protocols, over real TCP against a whole hub: each protocol
 * on its own listener, frames as the makers document them (the adapters' tests name the sources),
 * answers read back from the socket, alerts and readings read through the API.
 */
import { describe, expect, it } from 'vitest';
import { EDITION_2013, phoneField, readFrame, writeFrame } from '../../devices/watches/jt808-wire.ts';
import type { Alert, Device } from '../../server/schemas/index.ts';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { DeviceLink } from '../helpers/device-link.ts';
import { eventually, metricValue } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const MAX_FRAME_BYTES = 1024;

/** A 3G frame as watches send it, as text. */
const threeG = (id: string, content: string) => threeGFrame(id, content).toString('latin1');

const WATCH_3G = '4700186508';
const OTHER_3G = '8800000015';
const IW_IMEI = '355932600077007';
const JT808_ID = '12345678901';

/** A 3G alarm: status bits 00010000 (bit 16, the SOS key), no fix, 17 May 2025 21:41:18 UTC (DDMMYY). */
const AL_SOS = threeG(WATCH_3G, 'AL_LTE,170525,214118,V,0,N,0,E,0,0,0,0,0,22,0,0,00010000,0,0,0');
/** A 3G position report: 28.435142 N 81.354333 W, battery 64 %, 1234 steps. */
const UD = threeG(
  WATCH_3G,
  'UD,150817,132115,A,28.435142,N,81.354333,W,2.2038,000,99,06,70,64,1234,50,00000000,1,1,310,260,1091,30082,139,,00',
);
const IW_LOGIN = `IWAP00${IW_IMEI},8901240204123656505f,310240202365650#`;
/** IW alarm 01 (SOS) at 2008-05-24 06:18:30 UTC. */
const IW_SOS =
  'IWAP10080524A2232.9806N11404.9355E000.1061830323.8706000908000502,460,0,9520,3671,01,zhcn,00,HOME|74-DE-2B-44-88-8C|97#';
/** JT/T 808 registration 2013 of terminal 012345678901 (go-jt808's test frame). */
const JT808_REGISTER =
  '7e0100002c0123456789010000001f007363640000007777772e3830382e636f6d0000000000000000003736353433323101b2e24131323334cc7e';
/** A JT/T 808 2013 emergency report (alarm bit 0) of 2013-04-12 16:49:52 (traccar's test frame), re-addressed below. */
const JT808_EMERGENCY =
  '7e0200002e094027587492000a000000010000000a03083db7001329f3000000140000130412164952010400000012360a0002341502cb0c20085c107e';

describe('watch and pendant listeners over TCP', () => {
  const t = suiteHub({
    HUB_WATCH_3G_PORT: '0',
    HUB_WATCH_IW_PORT: '0',
    HUB_WATCH_JT808_PORT: '0',
    HUB_WATCH_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
    HUB_WATCH_MAX_FRAMES_PER_SECOND: '40',
  });
  const port = (protocol: '3g' | 'iw' | 'jt808') => t.hub.watchPorts[protocol];
  const metric = (reason: string, protocol = '3g') =>
    metricValue(t, `hub_watch_refused_total{protocol="${protocol}",reason="${reason}"}`);
  const deviceOf = async (id: string) =>
    (await t.api<Device[]>('GET', '/api/devices')).body.find((device) => device.id === id);
  const alertsOf = async (id: string) =>
    (await t.api<Alert[]>('GET', '/api/alerts')).body.filter((alert) => alert.deviceId === id);

  let watch: DeviceLink;

  it('stores the readings of a registered 3G watch’s UD report and shows it online', async () => {
    const retiree = await t.addRetiree();
    await t.addDevice('watch.3g', retiree.id, WATCH_3G);
    watch = await DeviceLink.open(port('3g'));
    watch.send(UD);
    await eventually(async () => {
      const device = await deviceOf(WATCH_3G);
      return device?.online === true && device.battery === 64;
    });
  });

  it('answers its LK', async () => {
    watch.send(threeG(WATCH_3G, 'LK,0,10,100'));
    await watch.answered(`[3G*${WATCH_3G}*0002*LK]`);
  });

  it('answers an AL with the SOS bit only once its alert is stored: a failed store leaves it unanswered, the repeat is answered', async () => {
    const answer = `[3G*${WATCH_3G}*0002*AL]`;
    let failNext = true;
    t.hub.bus.on('device.event', 'test-store-failure', () => {
      if (!failNext) return;
      failNext = false;
      throw new Error('store unavailable');
    });
    try {
      watch.send(AL_SOS);
      await eventually(
        async () =>
          (await metricValue(t, 'hub_watch_alarms_unanswered_total{protocol="3g",reason="failed"}')) === 1,
      );
      expect(watch.text).not.toContain(answer);
      // The watch repeats the alarm it got no answer to.
      watch.send(AL_SOS);
      await watch.answered(answer);
    } finally {
      t.hub.bus.removeOwner('test-store-failure');
    }
    // No waiting here: the answer itself says the alert is committed.
    const alerts = await alertsOf(WATCH_3G);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'sos', status: 'open' });
  });

  it('opens no second alert for the same AL sent again, and answers it again', async () => {
    watch.send(AL_SOS);
    await watch.answered(`[3G*${WATCH_3G}*0002*AL]`, 2);
    expect(await alertsOf(WATCH_3G)).toHaveLength(1);
  });

  it('opens an alert from an IW watch’s login and AP10 SOS', async () => {
    await t.addDevice('watch.iw', (await t.addRetiree()).id, IW_IMEI);
    const iw = await DeviceLink.open(port('iw'));
    iw.send(IW_LOGIN);
    await iw.answered('IWBP00,');
    iw.send(IW_SOS);
    await iw.answered('IWBP10#');
    expect(await alertsOf(IW_IMEI)).toMatchObject([{ kind: 'sos' }]);
    iw.end();
  });

  it('registers, authenticates and opens an alert from a JT/T 808 emergency report', async () => {
    await t.addDevice('pendant.jt808', (await t.addRetiree()).id, JT808_ID);
    const pendant = await DeviceLink.open(port('jt808'));
    const phone = phoneField(JT808_ID, EDITION_2013);
    // A report before authenticating is refused, and the connection with it.
    const early = await DeviceLink.open(port('jt808'));
    const emergencyBody = readFrame(Buffer.from(JT808_EMERGENCY, 'hex')).body;
    early.send(writeFrame(0x0200, EDITION_2013, phone, 1, emergencyBody));
    await early.closed;
    expect(await metric('unauthenticated', 'jt808')).toBe(1);

    pendant.send(Buffer.from(JT808_REGISTER, 'hex'));
    const registered = await eventually(() =>
      pendant
        .jt808Frames()
        .map(readFrame)
        .find((f) => f.messageId === 0x8100),
    );
    // 0x8100: the registration's serial, result 0, then the code.
    expect(registered.body[2]).toBe(0);
    const code = registered.body.subarray(3);
    pendant.send(writeFrame(0x0102, EDITION_2013, phone, 1, code));
    const platformAnswers = () =>
      pendant
        .jt808Frames()
        .map(readFrame)
        .filter((f) => f.messageId === 0x8001);
    // 0x8001: answered serial, answered message id, result 0.
    await eventually(() =>
      platformAnswers().some((f) => f.body.readUInt16BE(2) === 0x0102 && f.body[4] === 0),
    );
    pendant.send(writeFrame(0x0200, EDITION_2013, phone, 2, emergencyBody));
    await eventually(() =>
      platformAnswers().some((f) => f.body.readUInt16BE(2) === 0x0200 && f.body[4] === 0),
    );
    expect(await alertsOf(JT808_ID)).toMatchObject([{ kind: 'sos' }]);
    pendant.end();
  });

  it('refuses an unregistered watch, counts it and closes its connection; the other watch keeps working', async () => {
    const stranger = await DeviceLink.open(port('3g'));
    stranger.send(threeG('9999999999', 'LK,0,10,100'));
    await stranger.closed;
    expect(stranger.text).toBe('');
    expect(await metric('unregistered')).toBe(1);
    watch.send(threeG(WATCH_3G, 'LK,0,10,99'));
    await watch.answered(`[3G*${WATCH_3G}*0002*LK]`, 2);
  });

  it('takes a watch registered on another instance a moment ago, before this one has heard of it', async () => {
    const id = '4700186777';
    const refused = await metric('unregistered');
    // The record as another instance on the same database writes it, and nothing said to this one.
    await t.hub.db.query(`insert into devices (id, type, secret_hash) values ($1, 'watch.3g', 'elsewhere')`, [
      id,
    ]);
    const late = await DeviceLink.open(port('3g'));
    late.send(threeG(id, 'LK,0,10,100'));
    await late.answered(`[3G*${id}*0002*LK]`);
    await eventually(async () => (await deviceOf(id))?.online === true);
    expect(await metric('unregistered')).toBe(refused);
    late.end();
  });

  it('counts garbage and an oversize frame, and still answers the frames around them', async () => {
    watch.send(`\x00\x01hello\x02${threeG(WATCH_3G, 'LK,0,10,98')}`);
    await watch.answered(`[3G*${WATCH_3G}*0002*LK]`, 3);
    watch.send(threeG(WATCH_3G, `LK,0,10,97,${'x'.repeat(MAX_FRAME_BYTES * 2)}`));
    watch.send(threeG(WATCH_3G, 'LK,0,10,96'));
    await watch.answered(`[3G*${WATCH_3G}*0002*LK]`, 4);
    expect(await metric('malformed')).toBeGreaterThanOrEqual(1);
    expect(await metric('oversize')).toBe(1);
    expect(watch.socket.destroyed).toBe(false);
  });

  it('closes a connection that floods the listener, and only that one', async () => {
    await t.addDevice('watch.3g', null, OTHER_3G);
    const flooder = await DeviceLink.open(port('3g'));
    flooder.send(threeG(OTHER_3G, 'LK,0,10,100').repeat(100));
    await flooder.closed;
    expect(await metric('flood')).toBe(1);
    watch.send(threeG(WATCH_3G, 'LK,0,10,95'));
    await watch.answered(`[3G*${WATCH_3G}*0002*LK]`, 5);
    watch.end();
    await eventually(async () => (await deviceOf(WATCH_3G))?.online === false);
  });
});
