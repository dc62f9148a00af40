/**
 * Voice notes sent in several frames, over real TCP: an IW note in three `AP07` packets and a 3G
 * note in `JXTK` parts (one repeated, out of order) are put together, kept with the alert the
 * watch's SOS opened and played back byte for byte; a note whose parts stop coming is dropped,
 * counted and not kept.
 */
import pino from 'pino';
import promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { WatchGateway } from '../../gateway/watches/gateway.ts';
import { Directory } from '../../server/devices/directory.ts';
import type { Alert, VoiceNote } from '../../server/schemas/index.ts';
import { DeviceStore } from '../../server/store/devices.ts';
import { RetireeStore } from '../../server/store/retirees.ts';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { DeviceLink } from '../helpers/device-link.ts';
import { callBytes, eventually, metricValue } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { amrNote, iwVoicePacket, jxtkPart, slices } from './voice-frames.ts';

const IMEI = '355932600077017';
const LATE_IMEI = '355932600077018';
const WATCH = '4700186711';
const TIME = '20261205102105';
/** IW alarm 01 (SOS) at 2008-05-24 06:18:30 UTC (traccar's TrvProtocolDecoderTest frame). */
const IW_SOS =
  'IWAP10080524A2232.9806N11404.9355E000.1061830323.8706000908000502,460,0,9520,3671,01,zhcn,00,HOME|74-DE-2B-44-88-8C|97#';

describe('voice notes sent in several frames', () => {
  const t = suiteHub({ HUB_WATCH_3G_PORT: '0', HUB_WATCH_IW_PORT: '0' });

  const alertOf = async (deviceId: string) =>
    eventually(async () =>
      (await t.api<Alert[]>('GET', '/api/alerts')).body.find((alert) => alert.deviceId === deviceId),
    );
  const notesOf = async (alertId: string) =>
    (await t.api<VoiceNote[]>('GET', `/api/alerts/${alertId}/voice-notes`)).body;
  const played = async (noteId: string) => {
    const response = await callBytes(
      t.url,
      'GET',
      `/api/voice-notes/${noteId}/audio`,
      undefined,
      undefined,
      t.token,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/amr');
    return response.bytes;
  };

  it('keeps an IW note sent in three AP07 packets with the alert, as the watch recorded it', async () => {
    const retiree = await t.addRetiree();
    await t.addDevice('watch.iw', retiree.id, IMEI);
    const watch = await DeviceLink.open(t.hub.watchPorts.iw);
    watch.send(`IWAP00${IMEI}#`);
    await watch.answered('IWBP00,');
    watch.send(IW_SOS);
    await watch.answered('IWBP10#');
    const alert = await alertOf(IMEI);

    const note = amrNote(3000);
    const packets = slices(note, 3);
    // The watch sends each packet once the last is answered.
    for (const [index, packet] of packets.entries()) {
      watch.send(iwVoicePacket(TIME, 3, index + 1, packet));
      await watch.answered(`IWBP07,${TIME},3,${index + 1},1#`);
    }
    const [kept, ...more] = await notesOf(alert.id);
    expect(more).toEqual([]);
    expect(kept).toMatchObject({
      deviceId: IMEI,
      retireeId: retiree.id,
      format: 'amr',
      sizeBytes: note.length,
    });
    expect(await played(kept!.id)).toEqual(note);
    watch.end();
  });

  it('keeps a 3G note sent in JXTK parts, one repeated and out of order, once, with the alert', async () => {
    const retiree = await t.addRetiree();
    await t.addDevice('watch.3g', retiree.id, WATCH);
    const watch = await DeviceLink.open(t.hub.watchPorts['3g']);
    watch.send(threeGFrame(WATCH, 'AL_LTE,170525,214118,V,0,N,0,E,0,0,0,0,0,22,0,0,00010000,0,0,0'));
    await watch.answered(`[3G*${WATCH}*0002*AL]`);
    const alert = await alertOf(WATCH);

    const note = amrNote(4000, 2);
    const parts = slices(note, 4).map((slice, index) =>
      jxtkPart(WATCH, 'watch_7_20261205102105', index + 1, 4, slice),
    );
    const answer = `[3G*${WATCH}*0007*JXTKR,1]`;
    // 2, 1, 1 again, 4, then 3, which completes the note: each part answered, the last once stored.
    for (const [sent, number] of [2, 1, 1, 4, 3].entries()) {
      watch.send(parts[number - 1]!);
      await watch.answered(answer, sent + 1);
    }
    const [kept, ...more] = await notesOf(alert.id);
    expect(more).toEqual([]);
    expect(kept).toMatchObject({ deviceId: WATCH, retireeId: retiree.id, sizeBytes: note.length });
    expect(await played(kept!.id)).toEqual(note);

    // The watch missed the last answer and sends that part again: answered, the note kept once.
    watch.send(parts[2]!);
    await watch.answered(answer, 6);
    expect(await notesOf(alert.id)).toHaveLength(1);
    expect(await metricValue(t, 'hub_watch_voice_notes_incomplete_total{protocol="3g"}')).toBe(0);
    watch.end();
  });

  it('drops a note whose next part does not come in time, counts it and keeps nothing of it', async () => {
    await t.addDevice('watch.iw', null, LATE_IMEI);
    // A listener of its own with a short wait for the next part, over the hub's records and bus.
    const directory = new Directory(t.hub.bus, new DeviceStore(t.hub.db), new RetireeStore(t.hub.db), {
      low: 40,
      high: 130,
      consecutive: 3,
    });
    await directory.load();
    const registry = new promClient.Registry();
    const gateway = new WatchGateway({
      bus: t.hub.bus,
      directory,
      writer: t.hub.writer,
      log: pino({ level: 'silent' }),
      registry,
      listeners: { iw: { host: '127.0.0.1', port: 0 } },
      authCode: () => '',
      utcOffsetMinutes: 480,
      limits: { voiceNoteTimeoutMs: 300 },
    });
    await gateway.start();
    try {
      const watch = await DeviceLink.open(gateway.port('iw'));
      watch.send(`IWAP00${LATE_IMEI}#`);
      await watch.answered('IWBP00,');
      const packets = slices(amrNote(2000, 3), 2);
      watch.send(iwVoicePacket(TIME, 2, 1, packets[0]!));
      await watch.answered(`IWBP07,${TIME},2,1,1#`);
      await eventually(async () => {
        const metric = await registry.getSingleMetric('hub_watch_voice_notes_incomplete_total')?.get();
        return metric?.values.find((value) => value.labels.protocol === 'iw')?.value === 1;
      });
      // Its last packet, late, starts the note afresh: answered, and still nothing kept.
      watch.send(iwVoicePacket(TIME, 2, 2, packets[1]!));
      await watch.answered(`IWBP07,${TIME},2,2,1#`);
      const notes = (await t.api<VoiceNote[]>('GET', `/api/devices/${LATE_IMEI}/voice-notes`)).body;
      expect(notes).toEqual([]);
      watch.end();
    } finally {
      await gateway.stop();
    }
  });
});
