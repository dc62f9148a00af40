/**
 * Commands to watches and pendants over real TCP against a whole hub: sent at once to a watch that
 * is there, kept for one that is away and sent when it links, closed by the watch's confirmation;
 * the words of an acknowledge reach the watch; settings are the managers'; what a protocol cannot
 * say is refused before it is queued.
 */
import { describe, expect, it } from 'vitest';
import { writeFrame } from '../../devices/watches/jt808-wire.ts';
import { ACK_TEXT } from '../../server/alerts/workflow.ts';
import type { Alert } from '../../server/schemas/index.ts';
import type { WatchCommandLog, WatchCommandRecord } from '../../server/schemas/watch-commands.ts';
import { WatchCommands } from '../../server/watches/commands.ts';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { authenticateJt808, DeviceLink } from '../helpers/device-link.ts';
import { eventually, metricValue } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const DUTY_PHONE = '028-8888 1234';
const AT_HAND = '4700186508';
const AWAY = '8800000015';
const PENDANT = '13912344323';

/** UTF-16BE hex, as the 3G `MESSAGE` command carries text. */
const utf16Hex = (text: string) => Buffer.from(text, 'utf16le').swap16().toString('hex');

describe('commands to watches and pendants', () => {
  const t = suiteHub({ HUB_WATCH_3G_PORT: '0', HUB_WATCH_JT808_PORT: '0', HUB_CENTRE_PHONE: DUTY_PHONE });
  const commandsOf = async (id: string) =>
    (await t.api<WatchCommandLog>('GET', `/api/devices/${id}/commands`)).body.commands;
  const command = (id: string, body: unknown, token?: string) =>
    t.api<WatchCommandRecord>('POST', `/api/devices/${id}/commands`, body, token);
  const statusOf = async (id: string, commandId: string) =>
    (await commandsOf(id)).find((entry) => entry.id === commandId)?.status;
  const link3g = async (id: string) => {
    const watch = await DeviceLink.open(t.hub.watchPorts['3g']);
    watch.send(threeGFrame(id, 'LK,0,10,100'));
    await watch.answered(`[3G*${id}*0002*LK]`);
    return watch;
  };

  /** The watch goes away: its connection is closed and the hub has let go of it. */
  const leave = async (link: DeviceLink) => {
    const open = await metricValue(t, 'hub_watch_connections{protocol="3g"}');
    link.end();
    await eventually(async () => (await metricValue(t, 'hub_watch_connections{protocol="3g"}')) === open - 1);
  };

  /** A service on the hub's records whose clock reads `at`; it sends nothing (its watches are away). */
  const serviceAt = (at: number) =>
    new WatchCommands({
      db: t.hub.db,
      bus: t.hub.bus,
      link: { send: () => ({ sent: false, reason: 'away' }) },
      directory: t.hub.app.directory,
      dutyPhone: DUTY_PHONE,
      log: { info: () => {}, error: () => {} },
      clock: () => at,
    });

  let watch: DeviceLink;
  let retireeId: string;

  it('sends a position query to a watch that is there and closes it with the watch’s echo', async () => {
    retireeId = (
      await t.addRetiree({
        contacts: [
          { name: '女儿', relation: '女儿', phone: '138 0000 0001' },
          { name: '儿子', relation: '儿子', phone: '13900000002', priority: 2 },
          { name: '侄子', relation: '侄子', phone: '13700000003', priority: 3 },
        ],
      })
    ).id;
    await t.addDevice('watch.3g', retireeId, AT_HAND);
    watch = await link3g(AT_HAND);

    const sent = await command(AT_HAND, { kind: 'locate' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ kind: 'locate', status: 'sent', requestedByName: expect.any(String) });
    await watch.answered(`[3G*${AT_HAND}*0002*CR]`);
    watch.send(threeGFrame(AT_HAND, 'CR'));
    await eventually(async () => (await statusOf(AT_HAND, sent.body.id)) === 'answered');
    expect(await metricValue(t, 'hub_watch_commands_total{protocol="3g",outcome="sent"}')).toBe(1);
  });

  it('keeps a command for a watch that is away and sends it, in order, when it links', async () => {
    await t.addDevice('watch.3g', retireeId, AWAY);
    const text = await command(AWAY, { kind: 'text', text: '请回电话' });
    const interval = await command(AWAY, { kind: 'heart_rate_interval', minutes: 10 });
    expect([text.body.status, interval.body.status]).toEqual(['queued', 'queued']);

    const away = await link3g(AWAY);
    await away.answered(`MESSAGE,${utf16Hex('请回电话')}]`);
    await away.answered('hrtstart,600]');
    expect(away.text.indexOf('MESSAGE')).toBeLessThan(away.text.indexOf('hrtstart'));
    await eventually(async () => (await statusOf(AWAY, text.body.id)) === 'sent');
    away.send(threeGFrame(AWAY, 'MESSAGE'));
    away.send(threeGFrame(AWAY, 'hrtstart'));
    await eventually(async () =>
      (await commandsOf(AWAY)).every((entry) => entry.status === 'answered' && entry.answeredAt !== null),
    );
    await leave(away);
  });

  it('lets a newer setting replace one still waiting, and drops a text that waited past its use', async () => {
    const first = await command(AWAY, { kind: 'fall_alarm', on: false });
    const second = await command(AWAY, { kind: 'fall_alarm', on: true });
    expect(await statusOf(AWAY, first.body.id)).toBe('superseded');
    // A text asked for 31 minutes ago: a service on the same records with its clock then.
    const stale = await serviceAt(Date.now() - 31 * 60_000).request(
      { id: AWAY, type: 'watch.3g', retireeId },
      { kind: 'text', text: '半小时前的话' },
      { userId: null },
    );
    const away = await link3g(AWAY);
    await away.answered('FALLDOWN,1,1]');
    await eventually(async () => (await statusOf(AWAY, stale.id)) === 'expired');
    expect(away.text).not.toContain(utf16Hex('半小时前的话'));
    expect(away.text).not.toContain('FALLDOWN,0,0');
    expect(await statusOf(AWAY, second.body.id)).toBe('sent');
    away.send(threeGFrame(AWAY, 'FALLDOWN'));
    await eventually(async () => (await statusOf(AWAY, second.body.id)) === 'answered');
    await leave(away);
  });

  it('sets the SOS key to the duty phone, then the retiree’s contacts by priority', async () => {
    const sent = await command(AT_HAND, { kind: 'sos_numbers' });
    expect(sent.body.command).toEqual({
      kind: 'sos_numbers',
      numbers: ['02888881234', '13800000001', '13900000002'],
    });
    await watch.answered(`SOS,02888881234,13800000001,13900000002]`);
    // No echo within five minutes: unanswered (a service on the same records, its clock then).
    expect(await serviceAt(Date.now() + 6 * 60_000).sweep()).toBe(1);
    expect(await statusOf(AT_HAND, sent.body.id)).toBe('unanswered');
    // A late echo still closes it.
    watch.send(threeGFrame(AT_HAND, 'SOS'));
    await eventually(async () => (await statusOf(AT_HAND, sent.body.id)) === 'answered');
  });

  it('leaves settings to managers and refuses what a device cannot be told', async () => {
    const operator = await t.addStaff('watch-operator', 'operator');
    expect((await command(AT_HAND, { kind: 'locate' }, operator.token)).status).toBe(201);
    const setting = await command(AT_HAND, { kind: 'removal_alarm', on: true }, operator.token);
    expect(setting.status).toBe(403);
    const caseworker = await t.addStaff('watch-caseworker', 'caseworker');
    expect((await command(AT_HAND, { kind: 'locate' }, caseworker.token)).status).toBe(403);

    await t.addDevice('pendant.jt808', retireeId, PENDANT);
    const unsupported = await command(PENDANT, { kind: 'heart_rate_interval', minutes: 10 });
    expect(unsupported.status).toBe(409);
    const native = await t.addDevice('wearable.watch', retireeId, 'native-watch');
    expect((await command(native.device.id, { kind: 'locate' })).status).toBe(409);
    expect((await command(AT_HAND, { kind: 'text', text: '' })).status).toBe(400);
    // 3G watches measure every 5–1092 minutes, or not at all.
    const tooOften = await command(AT_HAND, { kind: 'heart_rate_interval', minutes: 2 });
    expect(tooOften.status).toBe(400);
    expect(JSON.stringify(tooOften.body)).toMatch(/5–1092/);
    expect((await command(AT_HAND, { kind: 'beep' })).status).toBe(400);
    expect((await command('no-such-device', { kind: 'locate' })).status).toBe(404);
    const log = await t.api<WatchCommandLog>('GET', `/api/devices/${PENDANT}/commands`);
    expect(log.body).toEqual({ kinds: ['text', 'locate'], commands: [] });
    const nativeLog = await t.api<WatchCommandLog>('GET', `/api/devices/${native.device.id}/commands`);
    expect(nativeLog.body.kinds).toEqual([]);
  });

  it('sends a JT/T 808 pendant its position query only once it has authenticated, and reads its answer', async () => {
    const queued = await command(PENDANT, { kind: 'locate' });
    expect(queued.body.status).toBe('queued');
    const pendant = await DeviceLink.open(t.hub.watchPorts.jt808);
    const phone = await authenticateJt808(pendant, PENDANT);
    const query = await eventually(() =>
      pendant
        .jt808Frames()
        .map((frame) => frame)
        .find((frame) => frame[1] === 0x82 && frame[2] === 0x01),
    );
    // 0x0001 (终端通用应答): the query's serial, its id, result 0.
    const serial = query.readUInt16BE(11);
    const body = Buffer.alloc(5);
    body.writeUInt16BE(serial, 0);
    body.writeUInt16BE(0x8201, 2);
    pendant.send(writeFrame(0x0001, { is2019: false, protocolVersion: 0 }, phone, 2, body));
    await eventually(async () => (await statusOf(PENDANT, queued.body.id)) === 'answered');
    pendant.end();
  });

  it('shows the centre’s words on the watch when staff acknowledge its alarm', async () => {
    watch.send(threeGFrame(AT_HAND, 'AL_LTE,170525,214118,V,0,N,0,E,0,0,0,0,0,22,0,0,00010000,0,0,0'));
    await watch.answered(`[3G*${AT_HAND}*0002*AL]`);
    const [alert] = (await t.api<Alert[]>('GET', '/api/alerts')).body.filter(
      (entry) => entry.deviceId === AT_HAND,
    );
    expect((await t.api('POST', `/api/alerts/${alert!.id}/ack`, {})).status).toBe(200);
    await watch.answered(`MESSAGE,${utf16Hex(ACK_TEXT)}]`);
    const relayed = (await commandsOf(AT_HAND)).find((entry) => entry.alertId === alert!.id);
    expect(relayed).toMatchObject({ kind: 'text', requestedBy: null, status: 'sent' });
  });
});
