import { describe, expect, it } from 'vitest';
import { deviceTopic, parseDeviceTopic } from '../../devices/contract.ts';

describe('protocol v1 topics', () => {
  it('parses each channel of a device and gives back what deviceTopic built', () => {
    for (const channel of ['telemetry', 'event', 'status', 'cmd'] as const) {
      expect(parseDeviceTopic(deviceTopic('watch-01.a_b', channel))).toStrictEqual({
        deviceId: 'watch-01.a_b',
        channel,
      });
    }
  });

  it.each([
    ['another protocol', 'eldercare/v2/watch-01/telemetry'],
    ['no prefix', 'watch-01/telemetry'],
    ['prefix without a slash after it', 'eldercare/v1watch-01/telemetry'],
    ['no channel', 'eldercare/v1/watch-01'],
    ['empty channel', 'eldercare/v1/watch-01/'],
    ['empty device id', 'eldercare/v1//telemetry'],
    ['a level too many', 'eldercare/v1/watch-01/x/telemetry'],
    ['a channel with a suffix', 'eldercare/v1/watch-01/telemetryx'],
    ['a channel with a prefix', 'eldercare/v1/watch-01/xtelemetry'],
    ['an unknown channel', 'eldercare/v1/watch-01/config'],
    ['a device id with a space', 'eldercare/v1/watch 01/telemetry'],
    ['a device id starting with a dot', 'eldercare/v1/.watch/telemetry'],
    ['a device id of 65 characters', `eldercare/v1/${'a'.repeat(65)}/telemetry`],
    ['a wildcard', 'eldercare/v1/+/telemetry'],
  ])('refuses %s', (_label, topic) => {
    expect(parseDeviceTopic(topic)).toBeNull();
  });
});
