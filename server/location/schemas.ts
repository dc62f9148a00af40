/** The API's shapes for where retirees are, their safe zones and the blood pressure from their watches. */
import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable, NullableTimestamp, Timestamp } from '../schemas/common.ts';

export const PositionSource = Literals(['gps', 'wifi', 'cell'], {
  description: 'What the fix came from: satellites, Wi-Fi access points, or cell towers',
});

export const RetireeLocation = Type.Object({
  retireeId: Type.String(),
  deviceId: Type.String(),
  /** When the watch took the fix. */
  fixedAt: Timestamp,
  receivedAt: Timestamp,
  lat: Type.Number({ description: 'WGS-84 degrees, as the watch sent it' }),
  lon: Type.Number({ description: 'WGS-84 degrees, as the watch sent it' }),
  valid: Type.Boolean({
    description: 'The watch says the fix is good; otherwise it is its last known place',
  }),
  source: PositionSource,
  speedKmh: Nullable(Type.Number()),
  course: Nullable(Type.Number({ description: 'Degrees clockwise from north' })),
  accuracyM: Nullable(
    Type.Integer({
      description: 'Metres within which the retiree is, for a place found from the cell towers a watch heard',
    }),
  ),
  gcj02: Type.Object(
    { lat: Type.Number(), lon: Type.Number() },
    { description: 'The same point in GCJ-02, as Chinese map services take it (no shift outside China)' },
  ),
  mapUrl: Type.String({ description: 'Amap (高德) marker link, in GCJ-02' }),
});
export type RetireeLocation = Static<typeof RetireeLocation>;

export const LocationAnswer = Type.Object({
  location: Nullable(RetireeLocation, { description: 'Null until a watch of the retiree sent a fix' }),
});
export type LocationAnswer = Static<typeof LocationAnswer>;

export const SafeZoneBody = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'Home, WGS-84 degrees' }),
    lon: Type.Number({ minimum: -180, maximum: 180, description: 'Home, WGS-84 degrees' }),
    radiusM: Type.Integer({ minimum: 50, maximum: 50_000, description: 'Metres' }),
    reason: Type.String({
      maxLength: 200,
      default: '',
      description: 'Why the retiree is at risk (认知障碍…)',
    }),
  },
  { additionalProperties: false },
);
export type SafeZoneBody = Static<typeof SafeZoneBody>;

export const SafeZoneRecord = Type.Object({
  retireeId: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  radiusM: Type.Integer(),
  reason: Type.String(),
  setAt: Timestamp,
  setBy: Nullable(Type.String()),
  /** The rule's state: `outside` once the retiree left (server/location/zone.ts). */
  state: Literals(['inside', 'outside']),
  lastFixAt: NullableTimestamp,
  mapUrl: Type.String({ description: 'Amap (高德) marker link of home, in GCJ-02' }),
});
export type SafeZoneRecord = Static<typeof SafeZoneRecord>;

export const SafeZoneAnswer = Type.Object({ zone: Nullable(SafeZoneRecord) });
export type SafeZoneAnswer = Static<typeof SafeZoneAnswer>;

export const BloodPressureQuery = Type.Object({
  days: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 400, default: 30, description: 'Days back from now' }),
  ),
});

export const BloodPressureAnswer = Type.Object({
  retireeId: Type.String(),
  unit: Type.Literal('mmHg'),
  /** Measurements, newest first. */
  readings: Type.Array(Type.Object({ ts: Timestamp, systolic: Type.Number(), diastolic: Type.Number() })),
});
export type BloodPressureAnswer = Static<typeof BloodPressureAnswer>;
