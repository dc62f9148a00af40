/**
 * Voice notes from 3G watches over real TCP: kept with the alert the watch's SOS opened, answered
 * only once stored, a repeat kept once, the audio played back through the API as the watch sent it.
 */
import { describe, expect, it } from 'vitest';
import type { Alert, VoiceNote } from '../../server/schemas/index.ts';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { DeviceLink } from '../helpers/device-link.ts';
import { callBytes, eventually, metricValue } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const WATCH = '4700186701';
const LONE = '4700186702';

/** A `TK` frame carrying AMR audio; the bytes avoid the ones the protocol escapes. */
function talk(id: string, audio: Buffer): Buffer {
  const length = (3 + audio.length).toString(16).toUpperCase().padStart(4, '0');
  return Buffer.concat([Buffer.from(`[3G*${id}*${length}*TK,`, 'latin1'), audio, Buffer.from(']')]);
}

const AUDIO = Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.from('3c48f5c0e61e0fa3', 'hex')]);

describe('voice notes from watches', () => {
  const t = suiteHub({ HUB_WATCH_3G_PORT: '0' });

  it('keeps a note with the alert the watch’s SOS opened, answers it once stored, and keeps a repeat once', async () => {
    const retiree = await t.addRetiree();
    await t.addDevice('watch.3g', retiree.id, WATCH);
    const watch = await DeviceLink.open(t.hub.watchPorts['3g']);
    watch.send(threeGFrame(WATCH, 'AL_LTE,170525,214118,V,0,N,0,E,0,0,0,0,0,22,0,0,00010000,0,0,0'));
    await watch.answered(`[3G*${WATCH}*0002*AL]`);
    const [alert] = (await t.api<Alert[]>('GET', '/api/alerts')).body.filter(
      (entry) => entry.deviceId === WATCH,
    );

    // Storing fails once: the note is left unanswered, and the watch's repeat is answered.
    let failNext = true;
    t.hub.bus.on('device.voice', 'test-store-failure', () => {
      if (!failNext) return;
      failNext = false;
      throw new Error('store unavailable');
    });
    watch.send(talk(WATCH, AUDIO));
    await eventually(
      async () =>
        (await metricValue(t, 'hub_watch_alarms_unanswered_total{protocol="3g",reason="failed"}')) === 1,
    );
    watch.send(threeGFrame(WATCH, 'LK,0,10,100'));
    await watch.answered(`[3G*${WATCH}*0002*LK]`);
    expect(watch.text).not.toContain('TK,1]');
    watch.send(talk(WATCH, AUDIO));
    await watch.answered(`[3G*${WATCH}*0004*TK,1]`);
    t.hub.bus.removeOwner('test-store-failure');
    const notes = (await t.api<VoiceNote[]>('GET', `/api/alerts/${alert!.id}/voice-notes`)).body;
    expect(notes).toMatchObject([
      { deviceId: WATCH, retireeId: retiree.id, format: 'amr', sizeBytes: AUDIO.length },
    ]);

    const played = await callBytes(
      t.url,
      'GET',
      `/api/voice-notes/${notes[0]!.id}/audio`,
      undefined,
      undefined,
      t.token,
    );
    expect(played.status).toBe(200);
    expect(played.headers.get('content-type')).toBe('audio/amr');
    expect(played.bytes).toEqual(AUDIO);

    // The watch did not hear the answer and sends the same note again: answered, kept once.
    watch.send(talk(WATCH, AUDIO));
    await watch.answered(`[3G*${WATCH}*0004*TK,1]`, 2);
    expect((await t.api<VoiceNote[]>('GET', `/api/alerts/${alert!.id}/voice-notes`)).body).toHaveLength(1);
    watch.end();
  });

  it('keeps a note with no alert open on its device’s list', async () => {
    await t.addDevice('watch.3g', null, LONE);
    const watch = await DeviceLink.open(t.hub.watchPorts['3g']);
    watch.send(talk(LONE, AUDIO));
    await watch.answered(`[3G*${LONE}*0004*TK,1]`);
    const notes = await eventually(async () => {
      const list = (await t.api<VoiceNote[]>('GET', `/api/devices/${LONE}/voice-notes`)).body;
      return list.length > 0 ? list : undefined;
    });
    expect(notes).toMatchObject([{ alertId: null, retireeId: null }]);
    expect((await t.api('GET', '/api/voice-notes/00000000-0000-4000-8000-000000000000/audio')).status).toBe(
      404,
    );
    watch.end();
  });
});
