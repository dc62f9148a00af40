/**
 * The settings the hub is built with: every variable read as server/settings/schema.ts declares it,
 * then checked together (the heart-rate range, TLS files and plaintext listeners, the metrics
 * token) and shaped for the parts that use them. A bad value stops the start with a message
 * naming the variable.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { DEFAULT_BROKER_LIMITS, instanceClientId } from '../gateway/index.ts';
import { passwordProblem } from './auth/passwords.ts';
import type { NotifySettings } from './notify/settings.ts';
import type { SecuritySettings } from './security/settings.ts';
import type { SystemAccess } from './security/system-access.ts';
import { ConfigError, type Env } from './settings/kinds.ts';
import { readSettings, type Settings } from './settings/schema.ts';

export { ConfigError, type Env } from './settings/kinds.ts';

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
  /** Watches and pendants on their makers' protocols: the ports served (absent: off) and the limits. */
  watches: {
    host: string;
    /** The certificate the listeners speak TLS with (HUB_WATCH_TLS); undefined: plain TCP. */
    tls: HubConfig['tls'];
    ports: { '3g'?: number; iw?: number; jt808?: number };
    limits: {
      maxFrameBytes: number;
      idleTimeoutMs: number;
      maxConnections: number;
      maxFramesPerSecond: number;
    };
  };
  dataDir: string;
  /** How often gathered readings go out on the live channel (HUB_LIVE_READINGS_MS). */
  liveReadingsMs: number;
  /** How long a SIGTERM drain may take before the process exits anyway (HUB_STOP_TIMEOUT_MS). */
  stopTimeoutMs: number;
  /** Where the broker keeps sessions, queued commands, retained status and wills (HUB_BROKER_STORE). */
  brokerStore: 'disk' | 'memory';
  /** The token EMQX's authentication and authorisation hooks send (server/broker/); unset: off. */
  emqxHookToken: string | undefined;
  /** A Mosquitto whose device accounts the hub keeps (server/broker/mosquitto.ts); unset: none. */
  mosquitto: { url: string; username: string; password: string } | undefined;
  /**
   * The broker devices connect to instead of the embedded one (gateway/broker/consumer.ts); unset:
   * the embedded broker.
   */
  externalBroker:
    | {
        url: string;
        username: string | undefined;
        password: string | undefined;
        group: string;
        sessionExpirySeconds: number;
        clientId: string;
      }
    | undefined;
  /** A Redis the instances share (live rooms, throttles); unset: each keeps its own in memory. */
  redisUrl: string | undefined;
  /** A hub instance not heard from for this long is gone (server/cluster/instances.ts). */
  instanceStaleSeconds: number;
  adminPassword: string | undefined;
  databaseUrl: string | undefined;
  /** PGlite's buffer cache in megabytes. */
  recordsCacheMb: number;
  /** PGlite only: minutes between two runs of the records' upkeep (VACUUM, ANALYZE). */
  recordsUpkeepMinutes: number;
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
  /** Largest file attached to the archive, an intake step or an oral history. */
  archiveMaxAttachmentBytes: number;
  detection: {
    spo2Low: number;
    spo2Consecutive: number;
    batteryLow: number;
    offlineBatteryMinutes: number;
    offlineMainsMinutes: number;
    offlineGraceSeconds: number;
    /** Devices going offline within the window that make one outage incident. */
    outageDevices: number;
    outageWindowSeconds: number;
    inactivityHours: number;
    day: { start: number; end: number };
    bedExitMinutes: number;
    night: { start: number; end: number };
  };
  /** How long telemetry and closed records are kept (days; null: kept for good), and how often that is applied. */
  retention: { telemetryDays: number | null; closedRecordsDays: number | null; intervalMinutes: number };
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
function tlsFiles(settings: Settings): HubConfig['tls'] {
  const { tlsCert: certFile, tlsKey: keyFile, tlsCa: caFile } = settings;
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

/** HUB_MOSQUITTO_URL with its administrator, who must be named. */
function mosquittoAccess(settings: Settings): HubConfig['mosquitto'] {
  const { mosquittoUrl: url, mosquittoUser: username, mosquittoPassword: password } = settings;
  if (url === undefined) {
    if (username !== undefined || password !== undefined) {
      throw new ConfigError('HUB_MOSQUITTO_URL', 'needed with HUB_MOSQUITTO_USER and HUB_MOSQUITTO_PASSWORD');
    }
    return undefined;
  }
  if (username === undefined) throw new ConfigError('HUB_MOSQUITTO_USER', 'needed with HUB_MOSQUITTO_URL');
  if (password === undefined)
    throw new ConfigError('HUB_MOSQUITTO_PASSWORD', 'needed with HUB_MOSQUITTO_URL');
  return { url, username, password };
}

/**
 * HUB_METRICS_REQUIRE_AUTH, HUB_METRICS_TOKEN, HUB_DOCS_REQUIRE_AUTH. A metrics token turns the
 * requirement on unless it is set to false, which is refused: the token would protect nothing.
 */
function systemAccess(settings: Settings): SystemAccess {
  const { metricsToken } = settings;
  const metricsRequireAuth = settings.metricsRequireAuth ?? metricsToken !== undefined;
  if (metricsToken !== undefined && !metricsRequireAuth) {
    throw new ConfigError(
      'HUB_METRICS_TOKEN',
      'set while HUB_METRICS_REQUIRE_AUTH=false, which leaves /metrics open: remove one of them',
    );
  }
  return { metricsRequireAuth, metricsToken, docsRequireAuth: settings.docsRequireAuth };
}

/**
 * The settings for a command run from the shell (`npm start`, `npm run audit:verify`): a setting
 * that is wrong is printed as "Cannot <doing>: …" on stderr and gives null, for the command to exit
 * with 2; any other failure is thrown.
 */
export function commandConfig(doing: string, env: Env = process.env): HubConfig | null {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Cannot ${doing}: ${error.message}\n`);
      return null;
    }
    throw error;
  }
}

/** The hub's settings from the environment (server/settings/schema.ts), checked together. */
export function loadConfig(env: Env = process.env): HubConfig {
  const s = readSettings(env);
  const adminProblem = s.adminPassword === undefined ? null : passwordProblem(s.adminPassword, 'admin');
  if (adminProblem) {
    throw new ConfigError(
      'HUB_ADMIN_PASSWORD',
      `too weak for the first admin (${adminProblem}): use at least 12 characters, not "admin" or "password", or leave it unset to have one generated`,
    );
  }
  if (s.hrLow >= s.hrHigh) throw new ConfigError('HUB_HR_LOW', 'must be below HUB_HR_HIGH');
  const tlsSettings = tlsFiles(s);
  const allowPlaintext = s.allowPlaintext ?? !s.production;
  // Health data crosses these listeners: in production they are encrypted unless told otherwise.
  if (!allowPlaintext && !tlsSettings) {
    throw new ConfigError(
      s.production ? 'HUB_PRODUCTION' : 'HUB_ALLOW_PLAINTEXT',
      'plaintext listeners are not allowed: set HUB_TLS_CERT and HUB_TLS_KEY, or HUB_ALLOW_PLAINTEXT=true (e.g. behind a TLS proxy)',
    );
  }
  const watchesServed =
    s.watch3gPort !== undefined || s.watchIwPort !== undefined || s.watchJt808Port !== undefined;
  if (s.watchTls && !tlsSettings)
    throw new ConfigError('HUB_WATCH_TLS', 'needs HUB_TLS_CERT and HUB_TLS_KEY');
  if (watchesServed && !s.watchTls && !allowPlaintext) {
    throw new ConfigError(
      'HUB_WATCH_TLS',
      'plaintext watch listeners are not allowed: set HUB_WATCH_TLS=true for watches that speak TLS, or HUB_ALLOW_PLAINTEXT=true',
    );
  }
  const maxPacketBytes = s.mqttMaxPacketBytes;
  const maxBridgePacketBytes =
    s.mqttMaxBridgePacketBytes ?? Math.max(maxPacketBytes, DEFAULT_BROKER_LIMITS.maxBridgePacketBytes);
  if (maxBridgePacketBytes < maxPacketBytes) {
    throw new ConfigError(
      'HUB_MQTT_MAX_BRIDGE_PACKET_BYTES',
      `expected at least HUB_MQTT_MAX_PACKET_BYTES (${maxPacketBytes}), got ${maxBridgePacketBytes}`,
    );
  }
  return {
    httpPort: s.httpPort,
    httpHost: s.httpHost,
    mqttPort: s.mqttPort,
    mqttHost: s.mqttHost,
    plaintext: allowPlaintext,
    tls: tlsSettings,
    mqttTlsPort: s.mqttTlsPort,
    mqttLimits: {
      maxPacketBytes,
      maxBridgePacketBytes,
      maxTopicLevels: s.mqttMaxTopicLevels,
      connectTimeoutMs: s.mqttConnectTimeoutMs,
      drainTimeoutMs: s.mqttDrainTimeoutMs,
      maxConnections: s.mqttMaxConnections,
      eventCommitTimeoutMs: s.mqttEventCommitTimeoutMs,
      failedConnects: {
        perIp: s.mqttFailedConnectsPerIp,
        perUsername: s.mqttFailedConnectsPerUsername,
        windowMs: s.mqttFailedConnectWindowSeconds * 1000,
        cooldownMs: s.mqttCooldownSeconds * 1000,
        delayMs: s.mqttCooldownDelayMs,
      },
    },
    watches: {
      host: s.watchHost,
      tls: s.watchTls ? tlsSettings : undefined,
      ports: {
        ...(s.watch3gPort !== undefined ? { '3g': s.watch3gPort } : {}),
        ...(s.watchIwPort !== undefined ? { iw: s.watchIwPort } : {}),
        ...(s.watchJt808Port !== undefined ? { jt808: s.watchJt808Port } : {}),
      },
      limits: {
        maxFrameBytes: s.watchMaxFrameBytes,
        idleTimeoutMs: s.watchIdleSeconds * 1000,
        maxConnections: s.watchMaxConnections,
        maxFramesPerSecond: s.watchMaxFramesPerSecond,
      },
    },
    dataDir: s.dataDir,
    stopTimeoutMs: s.stopTimeoutMs,
    liveReadingsMs: s.liveReadingsMs,
    brokerStore: s.brokerStore,
    emqxHookToken: s.emqxHookToken,
    mosquitto: mosquittoAccess(s),
    externalBroker: s.brokerUrl
      ? {
          url: s.brokerUrl,
          username: s.brokerUser,
          password: s.brokerPassword,
          group: s.brokerGroup,
          sessionExpirySeconds: s.brokerSessionExpirySeconds,
          clientId: instanceClientId(s.dataDir, s.instanceName),
        }
      : undefined,
    redisUrl: s.redisUrl,
    instanceStaleSeconds: s.instanceStaleSeconds,
    adminPassword: s.adminPassword,
    databaseUrl: s.databaseUrl,
    recordsCacheMb: s.recordsCacheMb,
    recordsUpkeepMinutes: s.recordsUpkeepMinutes,
    influx: { url: s.influxUrl, token: s.influxToken, org: s.influxOrg, bucket: s.influxBucket },
    telemetryBatchSize: s.telemetryBatchSize,
    telemetryFlushMs: s.telemetryFlushMs,
    spoolMaxBytes: s.spoolMaxBytes,
    hrLowDefault: s.hrLow,
    hrHighDefault: s.hrHigh,
    hrConsecutive: s.hrConsecutive,
    sessionHours: s.sessionHours,
    sessionIdleMinutes: s.sessionIdleMinutes,
    adminTotpRequired: s.adminTotpRequired,
    allowedOrigins: s.allowedOrigins,
    systemAccess: systemAccess(s),
    secretKey: s.secretKey,
    loginThrottle: {
      perIp: s.loginFailuresPerIp,
      perAccount: s.loginFailuresPerAccount,
      accountRefuseAt: s.loginAccountRefuseAt,
      windowMs: s.loginWindowMinutes * 60_000,
      cooldownMs: s.loginCooldownSeconds * 1000,
      maxDelayMs: s.loginMaxDelayMs,
    },
    logLevel: s.logLevel,
    notify: {
      centreName: s.centreName,
      centrePhone: s.centrePhone,
      // The URL carries the password (smtp://user:pass@host:587): never log it.
      smtpUrl: s.smtpUrl,
      smtpFrom: s.smtpFrom,
      publicUrl: s.publicUrl?.replace(/\/+$/, ''),
      retryDelaysMs: s.webhookRetryDelays,
      queueLimit: s.notifyQueue,
      attemptTimeoutMs: s.notifyTimeoutMs,
      allowedNetworks: s.notifyAllowedNetworks,
    },
    security: {
      authFailures: { threshold: s.securityAuthFailures, windowMs: s.securityAuthWindowSeconds * 1000 },
      disconnects: { threshold: s.securityDisconnects, windowMs: s.securityDisconnectWindowSeconds * 1000 },
      loginFailures: { threshold: s.securityLoginFailures, windowMs: s.securityLoginWindowSeconds * 1000 },
      pollMs: s.securityPollSeconds * 1000,
    },
    cardFont: s.cardFont,
    archiveMaxAttachmentBytes: s.archiveMaxAttachmentBytes,
    detection: {
      spo2Low: s.spo2Low,
      spo2Consecutive: s.spo2Consecutive,
      batteryLow: s.batteryLow,
      offlineBatteryMinutes: s.offlineBatteryMinutes,
      offlineMainsMinutes: s.offlineMainsMinutes,
      offlineGraceSeconds: s.offlineGraceSeconds,
      outageDevices: s.outageDevices,
      outageWindowSeconds: s.outageWindowSeconds,
      inactivityHours: s.inactivityHours,
      day: { start: s.dayStart, end: s.dayEnd },
      bedExitMinutes: s.bedExitMinutes,
      night: { start: s.nightStart, end: s.nightEnd },
    },
    retention: {
      telemetryDays: s.retentionTelemetryDays,
      closedRecordsDays: s.retentionClosedRecordsDays,
      intervalMinutes: s.retentionIntervalMinutes,
    },
  };
}
