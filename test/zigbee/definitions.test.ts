import { describe, expect, it } from 'vitest';
import {
  type ConvertContext,
  emptyZigbeeState,
  lastSeenOf,
  type ZigbeeDefinition,
  type ZigbeeOptions,
  type ZigbeeState,
  zigbeeDefinitionByModel,
  zigbeeDefinitions,
} from '../../devices/index.ts';

const IEEE = '0xa4c1380000000105';
const T0 = 1_750_000_000_000;

function model(name: string): ZigbeeDefinition {
  const definition = zigbeeDefinitionByModel(name);
  if (!definition) throw new Error(`no definition for ${name}`);
  return definition;
}

/** Feeds messages in order, as the gateway does, and returns each conversion without its state. */
function play(name: string, messages: unknown[], options: ZigbeeOptions = {}, stepMs = 1000) {
  const definition = model(name);
  let state: ZigbeeState = emptyZigbeeState;
  return messages.map((message, index) => {
    const receivedAt = T0 + index * stepMs;
    const lastSeen = lastSeenOf(message);
    const context: ConvertContext = {
      ieeeAddress: IEEE,
      receivedAt,
      options,
      ...(lastSeen !== undefined ? { lastSeen } : {}),
    };
    const result = definition.convert(state, message, context);
    state = result.state;
    return { readings: result.readings, events: result.events };
  });
}

describe('Zigbee2MQTT definitions', () => {
  it('names real models, each once, as zigbee.<model>', () => {
    const models = zigbeeDefinitions.map((definition) => definition.model);
    expect(new Set(models).size).toBe(models.length);
    expect(models).toEqual(
      expect.arrayContaining([
        'TS0215A_sos',
        'SEB01ZB',
        'HS1EB/HS1EB-E',
        'MIR-HE200-TY',
        'HS2FD-EF1-3.0',
        'FDS315',
        'SJCGQ11LM',
        'HS1SA',
        'HS1CG-M',
        'MCCGQ11LM',
        'RTCGQ11LM',
        'RTCZCGQ11LM',
        'SPM915',
      ]),
    );
    expect(model('TS0215A_sos')).toMatchObject({
      vendor: 'Tuya',
      type: 'zigbee.TS0215A_sos',
      events: ['sos'],
    });
    expect(zigbeeDefinitionByModel('__proto__')).toBeUndefined();
  });

  it('TS0215A_sos: "emergency" raises one sos; a repeat, an empty or null action raise nothing', () => {
    expect(
      play('TS0215A_sos', [
        { action: 'emergency', battery: 90, linkquality: 120 },
        { action: 'emergency', battery: 90, linkquality: 120 },
        { action: '' },
        { action: null, battery_low: false, tamper: false },
        { battery: 89 },
      ]),
    ).toStrictEqual([
      {
        readings: { battery: 90, linkquality: 120 },
        events: [{ id: `${IEEE}:action:${T0}`, type: 'sos', ts: T0, detail: { action: 'emergency' } }],
      },
      { readings: { battery: 90, linkquality: 120 }, events: [] },
      { readings: {}, events: [] },
      { readings: { battery_low: false, tamper: false }, events: [] },
      { readings: { battery: 89 }, events: [] },
    ]);
  });

  it('TS0215A_sos: a press after the reset is a new press; the same last_seen is a re-publish', () => {
    const seen = '2025-06-15T15:06:40.000Z';
    const results = play('TS0215A_sos', [
      { action: 'emergency' },
      { action: '' },
      { action: 'emergency' },
      { action: '' },
      { action: 'emergency', last_seen: seen },
      { action: 'emergency', last_seen: seen },
      { action: 'emergency', last_seen: Date.parse(seen) + 5000 },
    ]);
    expect(results.map((result) => result.events.map((event) => event.id))).toStrictEqual([
      [`${IEEE}:action:${T0}`],
      [],
      [`${IEEE}:action:${T0 + 2000}`],
      [],
      [`${IEEE}:action:${Date.parse(seen)}`],
      [],
      [`${IEEE}:action:${Date.parse(seen) + 5000}`],
    ]);
  });

  it('TS0215A_sos: the same action long after the last one is a second press', () => {
    const results = play('TS0215A_sos', [{ action: 'emergency' }, { action: 'emergency' }], {}, 60_000);
    expect(results.map((result) => result.events.length)).toStrictEqual([1, 1]);
  });

  it('SEB01ZB: sos true raises sos on the rising edge only', () => {
    expect(
      play('SEB01ZB', [
        { sos: false },
        { sos: true, battery_low: false },
        { sos: true },
        { sos: false },
        { sos: true },
      ]),
    ).toStrictEqual([
      { readings: {}, events: [] },
      {
        readings: { battery_low: false },
        events: [{ id: `${IEEE}:sos:${T0 + 1000}`, type: 'sos', ts: T0 + 1000 }],
      },
      { readings: {}, events: [] },
      { readings: {}, events: [] },
      { readings: {}, events: [{ id: `${IEEE}:sos:${T0 + 4000}`, type: 'sos', ts: T0 + 4000 }] },
    ]);
  });

  it('HS1EB: a single press is SOS by default; the configured press otherwise', () => {
    const messages = [{ action: 'single' }, { action: 'double' }, { action: 'hold' }, { action: 'off' }];
    const types = (options: ZigbeeOptions) =>
      play('HS1EB/HS1EB-E', messages, options).map((result) => result.events.map((event) => event.type));
    expect(types({})).toStrictEqual([['sos'], [], [], []]);
    expect(types({ sosAction: 'hold' })).toStrictEqual([[], [], ['sos'], []]);
    expect(types({ sosAction: 'hold', serviceAction: 'double' })).toStrictEqual([
      [],
      ['service_request'],
      ['sos'],
      [],
    ]);
    expect(model('HS1EB/HS1EB-E').options).toStrictEqual(['sosAction', 'serviceAction']);
  });

  it('MIR-HE200-TY: maybe_fall is a suspected fall, fall a confirmed one; repeats and falling back raise nothing', () => {
    expect(
      play('MIR-HE200-TY', [
        { presence: true, fall_down_status: 'none' },
        { fall_down_status: 'maybe_fall' },
        { fall_down_status: 'maybe_fall' },
        { fall_down_status: 'fall' },
        { fall_down_status: 'fall' },
        { fall_down_status: 'maybe_fall' },
        { fall_down_status: 'none', presence: false },
        { fall_down_status: 'fall' },
        { fall_down_status: 'unheard_of' },
      ]),
    ).toStrictEqual([
      { readings: { presence: true }, events: [] },
      {
        readings: {},
        events: [
          {
            id: `${IEEE}:fall_down_status:${T0 + 1000}`,
            type: 'fall',
            ts: T0 + 1000,
            certainty: 'suspected',
            detail: { fall_down_status: 'maybe_fall' },
          },
        ],
      },
      { readings: {}, events: [] },
      {
        readings: {},
        events: [
          {
            id: `${IEEE}:fall_down_status:${T0 + 3000}`,
            type: 'fall',
            ts: T0 + 3000,
            certainty: 'confirmed',
            detail: { fall_down_status: 'fall' },
          },
        ],
      },
      { readings: {}, events: [] },
      { readings: {}, events: [] },
      { readings: { presence: false }, events: [] },
      {
        readings: {},
        events: [
          {
            id: `${IEEE}:fall_down_status:${T0 + 7000}`,
            type: 'fall',
            ts: T0 + 7000,
            certainty: 'confirmed',
            detail: { fall_down_status: 'fall' },
          },
        ],
      },
      { readings: {}, events: [] },
    ]);
  });

  it('HS2FD-EF1-3.0: fall_warning is suspected, fall_alarm confirmed', () => {
    const results = play('HS2FD-EF1-3.0', [
      { fall_status: 'normal', occupancy: true },
      { fall_status: 'fall_warning' },
      { fall_status: 'fall_alarm' },
      { fall_status: 'normal' },
    ]);
    expect(results.map((result) => result.events.map((event) => event.certainty))).toStrictEqual([
      [],
      ['suspected'],
      ['confirmed'],
      [],
    ]);
    expect(results[0]?.readings).toStrictEqual({ presence: true });
  });

  it('FDS315: status falling is a confirmed fall; the other statuses are presence', () => {
    expect(
      play('FDS315', [
        { status: 'unoccupied' },
        { status: 'low_posture' },
        { status: 'falling' },
        { status: 'falling' },
      ]),
    ).toStrictEqual([
      { readings: { presence: false }, events: [] },
      { readings: { presence: true }, events: [] },
      {
        readings: { presence: true },
        events: [
          {
            id: `${IEEE}:status:${T0 + 2000}`,
            type: 'fall',
            ts: T0 + 2000,
            certainty: 'confirmed',
            detail: { status: 'falling' },
          },
        ],
      },
      { readings: { presence: true }, events: [] },
    ]);
  });

  it.each([
    ['SJCGQ11LM', 'water_leak'],
    ['HS1SA', 'smoke'],
    ['HS1CG-M', 'gas'],
  ] as const)('%s: %s is a reading always and an event on its rising edge', (name, key) => {
    expect(play(name, [{ [key]: false }, { [key]: true }, { [key]: true }, { [key]: false }])).toStrictEqual([
      { readings: { [key]: false }, events: [] },
      {
        readings: { [key]: true },
        events: [{ id: `${IEEE}:${key}:${T0 + 1000}`, type: key, ts: T0 + 1000 }],
      },
      { readings: { [key]: true }, events: [] },
      { readings: { [key]: false }, events: [] },
    ]);
  });

  it('MCCGQ11LM: contact false means the door is open', () => {
    expect(play('MCCGQ11LM', [{ contact: true, battery: 100 }, { contact: false }])).toStrictEqual([
      { readings: { door_open: false, battery: 100 }, events: [] },
      { readings: { door_open: true }, events: [] },
    ]);
  });

  it('RTCGQ11LM, RTCZCGQ11LM, SPM915: motion, presence and bed occupancy are readings', () => {
    expect(play('RTCGQ11LM', [{ occupancy: true, linkquality: 87 }])).toStrictEqual([
      { readings: { motion: true, linkquality: 87 }, events: [] },
    ]);
    expect(play('RTCZCGQ11LM', [{ presence: false }])).toStrictEqual([
      { readings: { presence: false }, events: [] },
    ]);
    expect(play('SPM915', [{ contact: false, tamper: true }, { contact: true }])).toStrictEqual([
      { readings: { bed_occupied: true, tamper: true }, events: [] },
      { readings: { bed_occupied: false }, events: [] },
    ]);
  });

  it('ignores values of the wrong kind and out of range, and never throws on odd messages', () => {
    expect(
      play('TS0215A_sos', [{ battery: 'full', linkquality: 900, action: 7 }, null, [], 'text']),
    ).toStrictEqual([
      { readings: {}, events: [] },
      { readings: {}, events: [] },
      { readings: {}, events: [] },
      { readings: {}, events: [] },
    ]);
  });

  it('keeps event ids within 64 characters', () => {
    const definition = model('MIR-HE200-TY');
    const result = definition.convert(
      emptyZigbeeState,
      { fall_down_status: 'fall' },
      {
        ieeeAddress: 'a-very-long-friendly-name-used-when-the-bridge-has-not-said-its-address',
        receivedAt: T0,
        options: {},
      },
    );
    expect(result.events[0]?.id.length).toBeLessThanOrEqual(64);
    expect(result.events[0]?.id.endsWith(`:${T0}`)).toBe(true);
  });
});
