/**
 * Settings, read from environment variables and validated at start. A bad value stops the start
 * with a message naming the variable. The table in README.md lists the same settings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { passwordProblem } from './auth/passwords.ts';
import { loadNotifySettings, type NotifySettings } from './notify/settings.ts';
import { loadSecuritySettings, type SecuritySettings } from './security/settings.ts';
import type { SystemAccess } from './security/system-access.ts';

export interface HubConfig {
  httpPort: number;
  httpHost: string;
  mqttPort: number;
  mqttHost: string;
  /** Plaintext listeners (MQTT on TCP, HTTP): off in production unless allowed. */
  plaintext: boolean;
  /** Certificate files for MQTT over TLS and HTTPS; unset serves neither. */
  tls: { certFile: string; keyFile: string; caFile: string | undefined } | undefined;
  mqttTlsPort: number;
  mqttLimits: {
    maxPacketBytes: number;
    maxBridgePacketBytes: number;
    maxTopicLevels: number;
    connectTimeoutMs: number;
    drainTimeoutMs: number;
    eventCommitTimeoutMs: number;
    maxConnections: number;
    failedConnects: {
      perIp: number;
      perUsername: number;
      windowMs: number;
      cooldownMs: number;
      delayMs: number;
    };
  };
  dataDir: string;
  /** How often gathered readings go out on the live channel (HUB_LIVE_READINGS_MS). */
  liveReadingsMs: number;
  /** How long a SIGTERM drain may take before the process exits anyway (HUB_STOP_TIMEOUT_MS). */
  stopTimeoutMs: number;
  /** Where the broker keeps sessions, queued commands, retained status and wills (HUB_BROKER_STORE). */
  brokerStore: 'disk' | 'memory';
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
  /** A session unused (no request, no open live connection) for this long ends. */
  sessionIdleMinutes: number;
  /** Admins must enrol a TOTP second factor before they get a session. */
  adminTotpRequired: boolean;
  /** Origins besides the hub's own whose pages may call the API and open the live channel (socket.io). */
  allowedOrigins: string[];
  /** Whether /metrics and /docs ask for a sign-in (server/security/system-access.ts). */
  systemAccess: SystemAccess;
  /** HUB_SECRET_KEY (32 bytes): seals TOTP secrets; unset, a key file in the data folder. */
  secretKey: Buffer | undefined;
  loginThrottle: {
    perIp: number;
    perAccount: number;
    accountRefuseAt: number;
    windowMs: number;
    cooldownMs: number;
    maxDelayMs: number;
  };
  logLevel: string;
  /** The centre's identity and the family notification channels (server/notify/settings.ts). */
  notify: NotifySettings;
  /** Bursts that raise a security alert (server/security/settings.ts). */
  security: SecuritySettings;
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
  /** How long telemetry and closed records are kept (days; null: kept for good), and how often that is applied. */
  retention: { telemetryDays: number | null; closedRecordsDays: number | null; intervalMinutes: number };
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

/** `true` or `false` (also `1`/`0`, `yes`/`no`); unset or blank gives the fallback. */
export function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

/** A file that must be readable at start; returns its contents. */
function readable(name: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(name, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** The TLS files, both or neither, checked to be a PEM certificate and its key. */
function tlsFiles(env: Env): HubConfig['tls'] {
  const certFile = text(env, 'HUB_TLS_CERT');
  const keyFile = text(env, 'HUB_TLS_KEY');
  const caFile = text(env, 'HUB_TLS_CA');
  if (!certFile && !keyFile) {
    if (caFile) throw new ConfigError('HUB_TLS_CA', 'needs HUB_TLS_CERT and HUB_TLS_KEY');
    return undefined;
  }
  if (!certFile) throw new ConfigError('HUB_TLS_CERT', 'needed with HUB_TLS_KEY');
  if (!keyFile) throw new ConfigError('HUB_TLS_KEY', 'needed with HUB_TLS_CERT');
  const cert = readable('HUB_TLS_CERT', certFile);
  const key = readable('HUB_TLS_KEY', keyFile);
  const ca = caFile ? readable('HUB_TLS_CA', caFile) : undefined;
  try {
    tls.createSecureContext({ cert, key, ...(ca ? { ca } : {}) });
  } catch (error) {
    throw new ConfigError(
      'HUB_TLS_CERT',
      `not a usable certificate and key: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    certFile: path.resolve(certFile),
    keyFile: path.resolve(keyFile),
    caFile: caFile && path.resolve(caFile),
  };
}

/** `HH:MM` → minutes after midnight. */
function clockTime(env: Env, name: string, fallback: string): number {
  const raw = text(env, name) ?? fallback;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (!match) throw new ConfigError(name, `expected a time of day as HH:MM, got "${raw}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** A comma-separated list of origins (`https://host[:port]`), each checked and normalized. */
function origins(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      let parsed: URL;
      try {
        parsed = new URL(item);
      } catch {
        throw new ConfigError(name, `not an origin: "${item}"`);
      }
      if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== item.replace(/\/$/, '')) {
        throw new ConfigError(name, `expected an origin like https://host:port, got "${item}"`);
      }
      return parsed.origin;
    });
}

/**
 * HUB_METRICS_REQUIRE_AUTH, HUB_METRICS_TOKEN, HUB_DOCS_REQUIRE_AUTH. A metrics token turns the
 * requirement on unless it is set to false, which is refused: the token would protect nothing.
 */
function systemAccess(env: Env): SystemAccess {
  const metricsToken = text(env, 'HUB_METRICS_TOKEN');
  if (metricsToken !== undefined && !/^[\x21-\x7e]{32,512}$/.test(metricsToken)) {
    throw new ConfigError(
      'HUB_METRICS_TOKEN',
      'expected 32 to 512 printable characters without spaces (e.g. openssl rand -hex 32)',
    );
  }
  const metricsRequireAuth = flag(env, 'HUB_METRICS_REQUIRE_AUTH', metricsToken !== undefined);
  if (metricsToken !== undefined && !metricsRequireAuth) {
    throw new ConfigError(
      'HUB_METRICS_TOKEN',
      'set while HUB_METRICS_REQUIRE_AUTH=false, which leaves /metrics open: remove one of them',
    );
  }
  return {
    metricsRequireAuth,
    metricsToken,
    docsRequireAuth: flag(env, 'HUB_DOCS_REQUIRE_AUTH', false),
  };
}

/** HUB_SECRET_KEY: 32 bytes in base64 (e.g. `openssl rand -base64 32`). */
function secretKey(env: Env): Buffer | undefined {
  const raw = text(env, 'HUB_SECRET_KEY');
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw.trim(), 'base64');
  if (key.length !== 32) {
    throw new ConfigError('HUB_SECRET_KEY', 'expected 32 bytes in base64 (openssl rand -base64 32)');
  }
  return key;
}

/** A number of days, or `off` for no limit; unset or blank gives the fallback. */
function daysOrOff(env: Env, name: string, fallback: number): number | null {
  if (env[name]?.trim().toLowerCase() === 'off') return null;
  return integer(env, name, fallback, 1, 36_500);
}

/** HUB_BROKER_STORE: `disk` (default) or `memory`. */
function brokerStore(env: Env): 'disk' | 'memory' {
  const value = text(env, 'HUB_BROKER_STORE')?.trim().toLowerCase() ?? 'disk';
  if (value !== 'disk' && value !== 'memory') {
    throw new ConfigError('HUB_BROKER_STORE', `expected disk or memory, got "${value}"`);
  }
  return value;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): HubConfig {
  const logLevel = text(env, 'HUB_LOG_LEVEL') ?? 'info';
  if (!logLevels.includes(logLevel))
    throw new ConfigError('HUB_LOG_LEVEL', `expected one of ${logLevels.join(', ')}`);
  const adminPassword = text(env, 'HUB_ADMIN_PASSWORD');
  const adminProblem = adminPassword === undefined ? null : passwordProblem(adminPassword, 'admin');
  if (adminProblem) {
    throw new ConfigError(
      'HUB_ADMIN_PASSWORD',
      `too weak for the first admin (${adminProblem}): use at least 12 characters, not "admin" or "password", or leave it unset to have one generated`,
    );
  }
  const hrLowDefault = integer(env, 'HUB_HR_LOW', 50, 20, 200);
  const hrHighDefault = integer(env, 'HUB_HR_HIGH', 120, 40, 250);
  if (hrLowDefault >= hrHighDefault) throw new ConfigError('HUB_HR_LOW', 'must be below HUB_HR_HIGH');
  const tlsSettings = tlsFiles(env);
  const production = flag(env, 'HUB_PRODUCTION', false);
  const allowPlaintext = flag(env, 'HUB_ALLOW_PLAINTEXT', !production);
  // Health data crosses these listeners: in production they are encrypted unless told otherwise.
  if (!allowPlaintext && !tlsSettings) {
    throw new ConfigError(
      production ? 'HUB_PRODUCTION' : 'HUB_ALLOW_PLAINTEXT',
      'plaintext listeners are not allowed: set HUB_TLS_CERT and HUB_TLS_KEY, or HUB_ALLOW_PLAINTEXT=true (e.g. behind a TLS proxy)',
    );
  }
  const maxPacketBytes = integer(env, 'HUB_MQTT_MAX_PACKET_BYTES', 64 * 1024, 1024, 268_435_455);
  return {
    httpPort: integer(env, 'HUB_HTTP_PORT', 8080, 0, 65535),
    httpHost: text(env, 'HUB_HTTP_HOST') ?? '0.0.0.0',
    mqttPort: integer(env, 'HUB_MQTT_PORT', 1883, 0, 65535),
    mqttHost: text(env, 'HUB_MQTT_HOST') ?? '0.0.0.0',
    plaintext: allowPlaintext,
    tls: tlsSettings,
    mqttTlsPort: integer(env, 'HUB_MQTT_TLS_PORT', 8883, 0, 65535),
    mqttLimits: {
      maxPacketBytes,
      maxBridgePacketBytes: integer(
        env,
        'HUB_MQTT_MAX_BRIDGE_PACKET_BYTES',
        Math.max(maxPacketBytes, (4 * 1024 + 64) * 1024),
        maxPacketBytes,
        268_435_455,
      ),
      maxTopicLevels: integer(env, 'HUB_MQTT_MAX_TOPIC_LEVELS', 12, 4, 100),
      connectTimeoutMs: integer(env, 'HUB_MQTT_CONNECT_TIMEOUT_MS', 10_000, 100, 600_000),
      drainTimeoutMs: integer(env, 'HUB_MQTT_DRAIN_TIMEOUT_MS', 30_000, 100, 600_000),
      maxConnections: integer(env, 'HUB_MQTT_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
      eventCommitTimeoutMs: integer(env, 'HUB_MQTT_EVENT_COMMIT_TIMEOUT_MS', 10_000, 100, 600_000),
      failedConnects: {
        perIp: integer(env, 'HUB_MQTT_FAILED_CONNECTS_PER_IP', 20, 1, 100_000),
        perUsername: integer(env, 'HUB_MQTT_FAILED_CONNECTS_PER_USERNAME', 10, 1, 100_000),
        windowMs: integer(env, 'HUB_MQTT_FAILED_CONNECT_WINDOW_SECONDS', 600, 1, 86_400) * 1000,
        cooldownMs: integer(env, 'HUB_MQTT_COOLDOWN_SECONDS', 300, 1, 86_400) * 1000,
        delayMs: integer(env, 'HUB_MQTT_COOLDOWN_DELAY_MS', 1000, 0, 60_000),
      },
    },
    dataDir: path.resolve(text(env, 'HUB_DATA_DIR') ?? './data'),
    stopTimeoutMs: integer(env, 'HUB_STOP_TIMEOUT_MS', 15_000, 1_000, 600_000),
    liveReadingsMs: integer(env, 'HUB_LIVE_READINGS_MS', 1_000, 50, 60_000),
    brokerStore: brokerStore(env),
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
    sessionIdleMinutes: integer(env, 'HUB_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    adminTotpRequired: flag(env, 'HUB_ADMIN_TOTP_REQUIRED', true),
    allowedOrigins: origins(env, 'HUB_ALLOWED_ORIGINS'),
    systemAccess: systemAccess(env),
    secretKey: secretKey(env),
    loginThrottle: {
      perIp: integer(env, 'HUB_LOGIN_FAILURES_PER_IP', 10, 1, 10_000),
      perAccount: integer(env, 'HUB_LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 10_000),
      accountRefuseAt: integer(env, 'HUB_LOGIN_ACCOUNT_REFUSE_AT', 50, 1, 100_000),
      windowMs: integer(env, 'HUB_LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60) * 60_000,
      cooldownMs: integer(env, 'HUB_LOGIN_COOLDOWN_SECONDS', 300, 1, 86_400) * 1000,
      maxDelayMs: integer(env, 'HUB_LOGIN_MAX_DELAY_MS', 8000, 0, 60_000),
    },
    logLevel,
    notify: loadNotifySettings(env),
    security: loadSecuritySettings(env),
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
    retention: {
      telemetryDays: daysOrOff(env, 'HUB_RETENTION_TELEMETRY_DAYS', 730),
      closedRecordsDays: daysOrOff(env, 'HUB_RETENTION_CLOSED_RECORDS_DAYS', 1825),
      intervalMinutes: integer(env, 'HUB_RETENTION_INTERVAL_MINUTES', 60, 1, 7 * 24 * 60),
    },
  };
}
