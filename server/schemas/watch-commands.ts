import { type Static, Type } from '@sinclair/typebox';
import { Nullable, NullableTimestamp, Timestamp } from './common.ts';

const PhoneNumber = Type.String({ pattern: '^\\+?\\d{3,20}$', description: 'Digits, an optional leading +' });

/** What staff ask of a watch; devices/watches/types.ts `WatchCommand` with the hub's limits. */
export const WatchCommandInput = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('text'),
        text: Type.String({
          minLength: 1,
          maxLength: 70,
          description: 'Shown on the watch; a small screen shows about 70 characters',
        }),
      },
      { additionalProperties: false, title: 'text' },
    ),
    Type.Object({ kind: Type.Literal('locate') }, { additionalProperties: false, title: 'locate' }),
    Type.Object(
      {
        kind: Type.Literal('heart_rate_interval'),
        minutes: Type.Integer({
          minimum: 0,
          maximum: 1440,
          description: 'Measure every this many minutes; 0 stops (3G watches: 0 or 5–1092)',
        }),
      },
      { additionalProperties: false, title: 'heart_rate_interval' },
    ),
    Type.Object(
      { kind: Type.Literal('fall_alarm'), on: Type.Boolean() },
      { additionalProperties: false, title: 'fall_alarm' },
    ),
    Type.Object(
      { kind: Type.Literal('removal_alarm'), on: Type.Boolean() },
      { additionalProperties: false, title: 'removal_alarm' },
    ),
    Type.Object(
      {
        kind: Type.Literal('sos_numbers'),
        numbers: Type.Optional(
          Type.Array(PhoneNumber, {
            minItems: 1,
            maxItems: 3,
            description:
              "Omitted: the centre's duty phone, then the retiree's contacts by priority (three in all)",
          }),
        ),
      },
      { additionalProperties: false, title: 'sos_numbers' },
    ),
  ],
  { description: 'A command for a watch or pendant; which kinds a device has depends on its protocol' },
);
export type WatchCommandInput = Static<typeof WatchCommandInput>;

export const WATCH_COMMAND_STATUSES = [
  'queued',
  'sent',
  'answered',
  'refused',
  'unanswered',
  'expired',
  'superseded',
  'failed',
] as const;

export const WatchCommandStatus = Type.Union(
  WATCH_COMMAND_STATUSES.map((status) => Type.Literal(status)),
  {
    description:
      'queued: waiting for the watch to link; sent: waiting for its confirmation; answered / refused: ' +
      'what it said; unanswered: no confirmation within 5 minutes; expired: a text or position query ' +
      'that waited past its use; superseded: a newer setting of the same kind was asked for first; ' +
      'failed: the protocol cannot say it',
  },
);

export const WatchCommandRecord = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  kind: Type.String(),
  /** The command as sent, with the numbers it was given (sos_numbers from the contacts). */
  command: Type.Record(Type.String(), Type.Unknown()),
  status: WatchCommandStatus,
  requestedBy: Nullable(Type.String()),
  /** The staff member who asked; null for the words the hub sends after an acknowledge. */
  requestedByName: Nullable(Type.String()),
  alertId: Nullable(Type.String()),
  requestedAt: Timestamp,
  expiresAt: NullableTimestamp,
  sentAt: NullableTimestamp,
  answeredAt: NullableTimestamp,
  /** The watch's answer or why the command went no further. */
  detail: Type.String(),
});
export type WatchCommandRecord = Static<typeof WatchCommandRecord>;

export const WatchCommandLog = Type.Object({
  /** The kinds of command the device's protocol has; empty for a device on no maker protocol. */
  kinds: Type.Array(Type.String()),
  /** Its commands, newest first (the last 50). */
  commands: Type.Array(WatchCommandRecord),
});
export type WatchCommandLog = Static<typeof WatchCommandLog>;

/** A voice note a watch recorded, without its audio (`GET /api/voice-notes/{id}/audio`). */
export const VoiceNote = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  retireeId: Nullable(Type.String()),
  /** The alert it was kept with: the newest active one of its device, else of its retiree. */
  alertId: Nullable(Type.String()),
  format: Type.String({ description: '`amr` (AMR-NB, as the 3G watches record)' }),
  sizeBytes: Type.Integer(),
  receivedAt: Timestamp,
});
export type VoiceNote = Static<typeof VoiceNote>;
