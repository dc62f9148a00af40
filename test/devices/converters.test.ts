import { describe, expect, it } from 'vitest';
import { defineDevice } from '../../devices/converters/define.ts';
import { cancelButton, fallDetection, smokeAlarm, wearDetection } from '../../devices/converters/events.ts';
import { battery, contact, heartRate } from '../../devices/converters/telemetry.ts';
import { wearableWatch } from '../../devices/definitions/wearable-watch.ts';

const receivedAt = 1_750_000_000_000;

describe('telemetry capabilities', () => {
  it('turn a payload value into its reading', () => {
    const [hr] = heartRate().telemetry;
    expect(hr?.convert(72)).toStrictEqual(72);
    expect(hr?.convert('72')).toStrictEqual(undefined);
    const [open] = contact().telemetry;
    expect(open?.reading).toStrictEqual('door_open');
    expect(open?.convert(true)).toStrictEqual(true);
    expect(open?.convert(1)).toStrictEqual(undefined);
  });

  it('compose into a definition whose readings name every field', () => {
    expect(wearableWatch.readings).toStrictEqual(['hr', 'spo2', 'steps', 'battery', 'worn', 'temperature']);
    expect(wearableWatch.events).toStrictEqual(['wearable_removed', 'sos', 'fall', 'button_test', 'cancel']);
  });

  it('map a whole watch payload to normalized readings', () => {
    const reading = { hr: 72, spo2: 97, steps: 1200, battery: 80, worn: true, temperature: 36.4 };
    // Every field but the timestamp is a reading, unchanged.
    expect(wearableWatch.toReadings({ ...reading, ts: receivedAt })).toStrictEqual(reading);
  });

  it('ignore what is not a reading, even on unchecked input', () => {
    expect(wearableWatch.toReadings(null)).toStrictEqual({});
    expect(wearableWatch.toReadings({ hr: 'fast', worn: 'yes' })).toStrictEqual({});
  });
});

describe('event capabilities', () => {
  it('default a fall without certainty to confirmed', () => {
    const [fall] = fallDetection().events;
    expect(fall?.convert?.({})).toStrictEqual({ certainty: 'confirmed' });
    expect(fall?.convert?.({ certainty: 'suspected' })).toStrictEqual({ certainty: 'suspected' });
  });

  it('build a normalized event, filling ts from the time of receipt', () => {
    expect(wearableWatch.toEvent({ id: 'e1', type: 'sos' }, receivedAt)).toStrictEqual({
      id: 'e1',
      type: 'sos',
      ts: receivedAt,
    });
    expect(
      wearableWatch.toEvent({ id: 'e2', type: 'fall', ts: 1_700_000_000_000 }, receivedAt),
    ).toStrictEqual({
      id: 'e2',
      type: 'fall',
      ts: 1_700_000_000_000,
      certainty: 'confirmed',
    });
  });

  it('put the extra fields of an event type into detail', () => {
    expect(wearableWatch.toEvent({ id: 'e3', type: 'cancel', cancels: 'e1' }, receivedAt)).toStrictEqual({
      id: 'e3',
      type: 'cancel',
      ts: receivedAt,
      detail: { cancels: 'e1' },
    });
  });

  it('give alarm sensors both a reading and an event', () => {
    const smoke = smokeAlarm();
    expect(smoke.telemetry.map((field) => field.reading)).toStrictEqual(['smoke']);
    expect(smoke.events.map((kind) => kind.type)).toStrictEqual(['smoke']);
    const wear = wearDetection();
    expect(wear.telemetry.map((field) => field.reading)).toStrictEqual(['worn']);
    expect(wear.events.map((kind) => kind.type)).toStrictEqual(['wearable_removed']);
  });
});

describe('defineDevice', () => {
  it('refuses two capabilities that claim the same key or event', () => {
    const spec = {
      type: 'test.twice',
      category: 'sensor',
      description: '',
      nameZh: '',
      nameEn: '',
      power: 'battery',
    } as const;
    expect(() => defineDevice({ ...spec, extend: [battery(), battery()] })).toThrow(
      /telemetry key "battery"/,
    );
    expect(() => defineDevice({ ...spec, extend: [cancelButton(), cancelButton()] })).toThrow(
      /event type "cancel"/,
    );
  });
});
