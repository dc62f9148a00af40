/**
 * Settings, read from environment variables and validated at start. A bad value stops the start
 * with a message naming the variable. The table in README.md lists the same settings.
 */
import path from 'node:path';
import { loadNotifySettings, type NotifySettings } from './notify/settings.ts';

export interface HubConfig {
  httpPort: number;
  httpHost: string;
  mqttPort: number;
  mqttHost: string;
  dataDir: string;
  adminPassword: string | undefined;
  databaseUrl: string | undefined;
  influx: {
    url: string | undefined;
    token: string | undefined;
    org: string | undefined;
    bucket: string | undefined;
  };
  telemetryBatchSize: number;
  telemetryFlushMs: number;
  spoolMaxBytes: number;
  hrLowDefault: number;
  hrHighDefault: number;
  hrConsecutive: number;
  sessionHours: number;
  logLevel: string;
  /** The centre's identity and the family notification channels (server/notify/settings.ts). */
  notify: NotifySettings;
  /** A CJK font for printed cards: a path, with `#Face` for a face of a collection. */
  cardFont: string | undefined;
  detection: {
    spo2Low: number;
    spo2Consecutive: number;
    batteryLow: number;
    offlineBatteryMinutes: number;
    offlineMainsMinutes: number;
    offlineGraceSeconds: number;
    inactivityHours: number;
    day: { start: number; end: number };
    bedExitMinutes: number;
    night: { start: number; end: number };
  };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** A whole-number setting within bounds; unset or blank gives the fallback. */
export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min}–${max}, got ${value}`);
  return value;
}

/** A text setting, as given (a password keeps its spaces); unset or empty is undefined. */
export function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** A URL setting of one of the given protocols (`http:`…). */
export function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
  }
  return raw;
}

/** `HH:MM` → minutes after midnight. */
function clockTime(env: Env, name: string, fallback: string): number {
  const raw = text(env, name) ?? fallback;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (!match) throw new ConfigError(name, `expected a time of day as HH:MM, got "${raw}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): HubConfig {
  const logLevel = text(env, 'HUB_LOG_LEVEL') ?? 'info';
  if (!logLevels.includes(logLevel))
    throw new ConfigError('HUB_LOG_LEVEL', `expected one of ${logLevels.join(', ')}`);
  const adminPassword = text(env, 'HUB_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('HUB_ADMIN_PASSWORD', 'must be at least 8 characters');
  }
  const hrLowDefault = integer(env, 'HUB_HR_LOW', 50, 20, 200);
  const hrHighDefault = integer(env, 'HUB_HR_HIGH', 120, 40, 250);
  if (hrLowDefault >= hrHighDefault) throw new ConfigError('HUB_HR_LOW', 'must be below HUB_HR_HIGH');
  return {
    httpPort: integer(env, 'HUB_HTTP_PORT', 8080, 0, 65535),
    httpHost: text(env, 'HUB_HTTP_HOST') ?? '0.0.0.0',
    mqttPort: integer(env, 'HUB_MQTT_PORT', 1883, 0, 65535),
    mqttHost: text(env, 'HUB_MQTT_HOST') ?? '0.0.0.0',
    dataDir: path.resolve(text(env, 'HUB_DATA_DIR') ?? './data'),
    adminPassword,
    databaseUrl: url(env, 'HUB_DATABASE_URL', ['postgres:', 'postgresql:']),
    influx: {
      url: url(env, 'HUB_INFLUX_URL', ['http:', 'https:']),
      token: text(env, 'HUB_INFLUX_TOKEN'),
      org: text(env, 'HUB_INFLUX_ORG'),
      bucket: text(env, 'HUB_INFLUX_BUCKET'),
    },
    telemetryBatchSize: integer(env, 'HUB_TELEMETRY_BATCH_SIZE', 500, 1, 100_000),
    telemetryFlushMs: integer(env, 'HUB_TELEMETRY_FLUSH_MS', 1000, 10, 600_000),
    spoolMaxBytes: integer(env, 'HUB_SPOOL_MAX_BYTES', 256 * 1024 * 1024, 1024, Number.MAX_SAFE_INTEGER),
    hrLowDefault,
    hrHighDefault,
    hrConsecutive: integer(env, 'HUB_HR_CONSECUTIVE', 3, 1, 100),
    sessionHours: integer(env, 'HUB_SESSION_HOURS', 12, 1, 24 * 30),
    logLevel,
    notify: loadNotifySettings(env),
    cardFont: text(env, 'HUB_CARD_FONT'),
    detection: {
      spo2Low: integer(env, 'HUB_SPO2_LOW', 90, 50, 99),
      spo2Consecutive: integer(env, 'HUB_SPO2_CONSECUTIVE', 3, 1, 100),
      batteryLow: integer(env, 'HUB_BATTERY_LOW', 15, 1, 90),
      offlineBatteryMinutes: integer(env, 'HUB_OFFLINE_BATTERY_MINUTES', 180, 1, 7 * 24 * 60),
      offlineMainsMinutes: integer(env, 'HUB_OFFLINE_MAINS_MINUTES', 15, 1, 7 * 24 * 60),
      offlineGraceSeconds: integer(env, 'HUB_OFFLINE_GRACE_SECONDS', 120, 0, 86_400),
      inactivityHours: integer(env, 'HUB_INACTIVITY_HOURS', 4, 1, 48),
      day: { start: clockTime(env, 'HUB_DAY_START', '08:00'), end: clockTime(env, 'HUB_DAY_END', '21:00') },
      bedExitMinutes: integer(env, 'HUB_BED_EXIT_MINUTES', 30, 1, 24 * 60),
      night: {
        start: clockTime(env, 'HUB_NIGHT_START', '22:00'),
        end: clockTime(env, 'HUB_NIGHT_END', '06:00'),
      },
    },
  };
}
