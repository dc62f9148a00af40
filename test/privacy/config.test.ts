/** The retention settings: days, `off`, defaults, and a clear refusal naming the variable. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('retention settings', () => {
  it('default to two years of telemetry and five years of closed records, applied hourly', () => {
    expect(loadConfig({}).retention).toStrictEqual({
      telemetryDays: 730,
      closedRecordsDays: 1825,
      intervalMinutes: 60,
    });
  });

  it('take a number of days or off', () => {
    const config = loadConfig({
      HUB_RETENTION_TELEMETRY_DAYS: 'off',
      HUB_RETENTION_CLOSED_RECORDS_DAYS: '400',
      HUB_RETENTION_INTERVAL_MINUTES: '15',
    });
    expect(config.retention).toStrictEqual({
      telemetryDays: null,
      closedRecordsDays: 400,
      intervalMinutes: 15,
    });
    expect(loadConfig({ HUB_RETENTION_CLOSED_RECORDS_DAYS: ' OFF ' }).retention.closedRecordsDays).toBeNull();
  });

  it('refuse anything else, naming the variable', () => {
    for (const [name, value] of [
      ['HUB_RETENTION_TELEMETRY_DAYS', '0'],
      ['HUB_RETENTION_TELEMETRY_DAYS', 'never'],
      ['HUB_RETENTION_CLOSED_RECORDS_DAYS', '-5'],
      ['HUB_RETENTION_INTERVAL_MINUTES', 'off'],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
  });
});
