/**
 * Settings, read from environment variables and validated at start. A bad value stops the start
 * with a message naming the variable. The table in README.md lists the same settings.
 */
import path from 'node:path';

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

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min}–${max}, got ${value}`);
  return value;
}

function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
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
  };
}
