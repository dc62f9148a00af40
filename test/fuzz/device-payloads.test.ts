/**
 * Every device definition, through the decoder the gateway uses, against arbitrary payloads: the
 * answer is a reading, event or status that is valid, or a rejection whose reason is one of the
 * counted codes, never a throw and never `internal_error`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedChannel,
  decodeDeviceMessage,
  definitions,
  emptyZigbeeState,
  rejectReasonCode,
  zigbeeDefinitions,
} from '../../devices/index.ts';
import { parseBridgeJson } from '../../devices/zigbee/bridge.ts';
import { lastSeenOf } from '../../devices/zigbee/define.ts';
import { checkDecoded, isReadingValue, RECEIVED_AT, STATUS_KEYS } from './checks.ts';
import { devicePayload, objectOfKeys, schemaKeys, suiteRuns, wildValue } from './generators.ts';

describe('device payloads: every definition, arbitrary input, through the real decoder', () => {
  for (const definition of definitions) {
    const channels: [DecodedChannel, string[]][] = [
      ['telemetry', schemaKeys(definition.telemetrySchema)],
      ['event', schemaKeys(definition.eventSchema)],
      ['status', STATUS_KEYS],
    ];
    for (const [channel, keys] of channels) {
      it(`${definition.type} ${channel}: a valid message or a counted reason, never a throw`, () => {
        fc.assert(
          fc.property(devicePayload(keys), (payload) => {
            checkDecoded(definition, channel, payload);
          }),
          suiteRuns(150),
        );
      });
    }
  }

  it('refuses an event of a type the definition has, with a wrong field beside it, by schema', () => {
    // An SOS with a wild value under each declared key: accepted only when it is valid.
    const pendant = definitions.find((definition) => definition.events.includes('sos'));
    expect(pendant).toBeDefined();
    fc.assert(
      fc.property(objectOfKeys(schemaKeys(pendant!.eventSchema), false), (extra) => {
        const payload = JSON.stringify({ id: 'e-1', type: 'sos', ...extra });
        checkDecoded(pendant!, 'event', payload);
      }),
      suiteRuns(150),
    );
  });

  it('an unknown channel is its own counted reason', () => {
    const decoded = decodeDeviceMessage(definitions[0]!, 'cmd' as DecodedChannel, '{}', RECEIVED_AT);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : rejectReasonCode(decoded.reason)).toBe('unsupported_channel');
  });
});

describe('Zigbee2MQTT state messages: every model, arbitrary input', () => {
  it('parses and converts without throwing; readings are finite numbers or booleans', () => {
    const keys = [
      ...new Set(zigbeeDefinitions.flatMap((definition) => definition.features.flatMap((f) => f.keys))),
    ];
    const payload = fc.oneof(
      devicePayload([...keys, 'last_seen', 'action']),
      fc
        .tuple(objectOfKeys([...keys, 'last_seen']), fc.dictionary(fc.constantFrom(...keys), wildValue))
        .map(([a, b]) => JSON.stringify({ ...a, ...b })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...zigbeeDefinitions), payload, payload, (definition, first, second) => {
        let state = emptyZigbeeState;
        for (const message of [first, second]) {
          const parsed = parseBridgeJson(message, 16 * 1024);
          if (!parsed.ok) {
            expect(rejectReasonCode(parsed.reason)).not.toBe('internal_error');
            continue;
          }
          const lastSeen = lastSeenOf(parsed.value);
          const result = definition.convert(state, parsed.value, {
            ieeeAddress: '0x00124b0001020304',
            receivedAt: RECEIVED_AT,
            options: {},
            ...(lastSeen !== undefined ? { lastSeen } : {}),
          });
          state = result.state;
          expect(Number.isFinite(result.ts)).toBe(true);
          for (const [key, value] of Object.entries(result.readings)) {
            expect(definition.readings).toContain(key);
            expect(isReadingValue(value)).toBe(true);
          }
          for (const event of result.events) expect(definition.events).toContain(event.type);
        }
      }),
      suiteRuns(400),
    );
  });
});
