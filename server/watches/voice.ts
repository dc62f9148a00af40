/**
 * Voice notes from watches (3G `TK`: the retiree holds the talk key and speaks to the centre). Each
 * is kept with the newest active alert of its device, or else of its retiree, so the operator
 * working an SOS can play what the person said; one with no alert open stays on the device's list.
 * A watch repeats a note until it is answered, and the gateway answers only once it is stored
 * (`device.voice` is awaited); the note's SHA-256 makes the repeat the same note.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { EventBus } from '../../devices/bus.ts';
import { ACTIVE_STATUSES } from '../../devices/index.ts';
import type { Database } from '../db/database.ts';
import type { VoiceNote } from '../schemas/watch-commands.ts';
import { type Timed, timed } from '../store/rows.ts';

const OWNER = 'voice-notes';

/** What a note's audio is served as, by its format. */
export const VOICE_CONTENT_TYPES = { amr: 'audio/amr' } as const;

const SELECT = `select id, device_id as "deviceId", retiree_id as "retireeId", alert_id as "alertId",
    format, size_bytes as "sizeBytes", received_at as "receivedAt" from voice_notes`;

type Row = Timed<VoiceNote, 'receivedAt'>;
const shown = (row: Row) => timed<VoiceNote, 'receivedAt'>(row, 'receivedAt');

export class VoiceNotes {
  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
  ) {}

  start(): void {
    this.bus.on('device.voice', OWNER, (note) => this.keep(note).then(() => undefined));
  }

  stop(): void {
    this.bus.removeOwner(OWNER);
  }

  /** Stores a note (once: a repeat of it changes nothing) with the alert it belongs to; its id. */
  async keep(note: { deviceId: string; ts: number; format: 'amr'; audio: Buffer }): Promise<string> {
    const sha256 = createHash('sha256').update(note.audio).digest('hex');
    const [kept] = await this.db.query<{ id: string }>(
      `with device as (select id, retiree_id from devices where id = $2),
            alert as (
              select a.id from alerts a, device d
               where a.status = any($7::text[])
                 and (a.device_id = d.id or (d.retiree_id is not null and a.retiree_id = d.retiree_id))
               order by (a.device_id = d.id) desc, a.opened_at desc limit 1)
       insert into voice_notes (id, device_id, retiree_id, alert_id, sha256, format, audio, size_bytes, received_at)
       select $1, d.id, d.retiree_id, (select id from alert), $3, $4, $5, $6, $8 from device d
       on conflict (device_id, sha256) do nothing
       returning id`,
      [
        randomUUID(),
        note.deviceId,
        sha256,
        note.format,
        note.audio,
        note.audio.length,
        [...ACTIVE_STATUSES],
        new Date(note.ts),
      ],
    );
    if (kept) return kept.id;
    const [existing] = await this.db.query<{ id: string }>(
      'select id from voice_notes where device_id = $1 and sha256 = $2',
      [note.deviceId, sha256],
    );
    if (!existing) throw new Error(`voice note of unknown device ${note.deviceId} not kept`);
    return existing.id;
  }

  async ofAlert(alertId: string): Promise<VoiceNote[]> {
    const rows = await this.db.query<Row>(`${SELECT} where alert_id = $1 order by received_at`, [alertId]);
    return rows.map(shown);
  }

  async ofDevice(deviceId: string, limit = 50): Promise<VoiceNote[]> {
    const rows = await this.db.query<Row>(
      `${SELECT} where device_id = $1 order by received_at desc limit $2`,
      [deviceId, limit],
    );
    return rows.map(shown);
  }

  async audio(id: string): Promise<(VoiceNote & { audio: Buffer }) | undefined> {
    const [row] = await this.db.query<Row & { audio: Uint8Array }>(
      `${SELECT.replace(' from voice_notes', ', audio from voice_notes')} where id = $1`,
      [id],
    );
    return row ? { ...shown(row), audio: Buffer.from(row.audio) } : undefined;
  }
}
