/**
 * Every setting of the hub, once: its environment variable, the kind of value it takes, its
 * default, and what it means. This list drives the reading of the environment at start (a bad
 * value stops the start naming its variable, ./kinds.ts), the settings the hub is built with
 * (server/config.ts) and the README's settings tables (./readme.ts; a test fails when they
 * differ). Nothing else in the hub reads `process.env`.
 *
 * A long file on purpose: one entry a setting, in the order of the README's tables.
 */
import { DEFAULT_BROKER_LIMITS, DEFAULT_WATCH_LIMITS } from '../../gateway/index.ts';
import { DEFAULT_MAX_ATTACHMENT_BYTES } from '../archive/attachments.ts';
import { DEFAULT_THROTTLE } from '../auth/throttle.ts';
import {
  base64Key,
  bearerToken,
  choice,
  clockTime,
  daysOrOff,
  delays,
  type Env,
  filePath,
  flag,
  networks,
  optional,
  origins,
  type Setting,
  setting,
  text,
  url,
  wholeNumber,
} from './kinds.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MAX_PACKET = 268_435_455;
const limits = DEFAULT_BROKER_LIMITS;
const failed = DEFAULT_BROKER_LIMITS.failedConnects;

export const SETTINGS = {
  // ── the hub: listeners, stores, detection ──────────────────────────────────────────────────────
  httpPort: setting('HUB_HTTP_PORT', wholeNumber(0, 65535), {
    default: 8080,
    group: 'hub',
    meaning:
      'HTTP port: API, dashboard, socket.io, MQTT over WebSocket at `/mqtt`. `0` picks a free port (logged).',
  }),
  httpHost: setting('HUB_HTTP_HOST', text, {
    default: '0.0.0.0',
    group: 'hub',
    meaning: 'address the HTTP server binds',
  }),
  mqttPort: setting('HUB_MQTT_PORT', wholeNumber(0, 65535), {
    default: 1883,
    group: 'hub',
    meaning: 'MQTT over TCP. `0` picks a free port (logged).',
  }),
  mqttHost: setting('HUB_MQTT_HOST', text, {
    default: '0.0.0.0',
    group: 'hub',
    meaning: 'address the MQTT listener binds',
  }),
  dataDir: setting('HUB_DATA_DIR', filePath, {
    default: filePath.parse('./data', 'HUB_DATA_DIR'),
    defaultText: '`./data`',
    group: 'hub',
    meaning: 'records (PGlite), embedded telemetry, telemetry spool, broker state, attachments',
  }),
  instanceStaleSeconds: setting('HUB_INSTANCE_STALE_SECONDS', wholeNumber(3, 300), {
    default: 15,
    group: 'hub',
    meaning:
      'a hub instance silent this long is gone (each says it lives every third of it); an instance that cannot run beside a live one waits this long, then refuses to start',
  }),
  brokerStore: setting('HUB_BROKER_STORE', choice(['disk', 'memory'] as const), {
    default: 'disk',
    group: 'hub',
    meaning:
      "MQTT broker's sessions (clean=false), subscriptions, queued QoS 1 commands, retained status, wills: `disk` (`HUB_DATA_DIR/broker.sqlite`) or `memory`",
  }),
  adminPassword: optional('HUB_ADMIN_PASSWORD', text, {
    group: 'hub',
    meaning:
      'password of the first `admin` account (at least 12 characters, not `admin`, `password`…). Unset: a password is generated and printed once at first start.',
  }),
  databaseUrl: optional('HUB_DATABASE_URL', url(['postgres:', 'postgresql:']), {
    group: 'hub',
    meaning: '`postgres://user:password@host:5432/db`: use a PostgreSQL server instead of PGlite',
  }),
  recordsCacheMb: setting('HUB_RECORDS_CACHE_MB', wholeNumber(1, 1024), {
    default: 32,
    group: 'hub',
    meaning:
      'PGlite only: megabytes of records it keeps in memory (its `shared_buffers`); the operating system caches the rest of the folder',
  }),
  recordsUpkeepMinutes: setting('HUB_RECORDS_UPKEEP_MINUTES', wholeNumber(1, 24 * 60), {
    default: 10,
    group: 'hub',
    meaning:
      'PGlite only (it runs no autovacuum): how often the tables with many changed rows are vacuumed and analyzed, one at a time',
  }),
  influxUrl: optional('HUB_INFLUX_URL', url(['http:', 'https:']), {
    group: 'hub',
    meaning: 'InfluxDB for readings (see below). Unset: the embedded store in `HUB_DATA_DIR`.',
  }),
  influxToken: optional('HUB_INFLUX_TOKEN', text, {
    group: 'hub',
    meaning: 'InfluxDB 2.x/3.x token (any of token, organisation and bucket set selects the v2 client)',
  }),
  influxOrg: optional('HUB_INFLUX_ORG', text, {
    group: 'hub',
    meaning: 'InfluxDB 2.x/3.x organisation',
  }),
  influxBucket: optional('HUB_INFLUX_BUCKET', text, {
    group: 'hub',
    meaning: 'InfluxDB 2.x/3.x bucket',
  }),
  telemetryBatchSize: setting('HUB_TELEMETRY_BATCH_SIZE', wholeNumber(1, 100_000), {
    default: 500,
    group: 'hub',
    meaning: 'readings per write to the telemetry store',
  }),
  telemetryFlushMs: setting('HUB_TELEMETRY_FLUSH_MS', wholeNumber(10, 600_000), {
    default: 1000,
    group: 'hub',
    meaning: 'longest wait before a partial batch is written',
  }),
  spoolMaxBytes: setting('HUB_SPOOL_MAX_BYTES', wholeNumber(1024, Number.MAX_SAFE_INTEGER), {
    default: 256 * 1024 * 1024,
    group: 'hub',
    meaning:
      'bound of the on-disk spool that holds readings while InfluxDB is unreachable; what exceeds it is counted (`hub_telemetry_points_dropped_total`) and logged',
  }),
  hrLow: setting('HUB_HR_LOW', wholeNumber(20, 200), {
    default: 50,
    group: 'hub',
    meaning: 'centre default lower heart rate (bpm), below `HUB_HR_HIGH`; each retiree may have their own',
  }),
  hrHigh: setting('HUB_HR_HIGH', wholeNumber(40, 250), {
    default: 120,
    group: 'hub',
    meaning: 'centre default upper heart rate (bpm); each retiree may have their own',
  }),
  hrConsecutive: setting('HUB_HR_CONSECUTIVE', wholeNumber(1, 100), {
    default: 3,
    group: 'hub',
    meaning: 'readings in a row outside the range before a heart-rate alert opens',
  }),
  spo2Low: setting('HUB_SPO2_LOW', wholeNumber(50, 99), {
    default: 90,
    group: 'hub',
    meaning: 'SpO2 (%) below which `spo2_low` opens',
  }),
  spo2Consecutive: setting('HUB_SPO2_CONSECUTIVE', wholeNumber(1, 100), {
    default: 3,
    group: 'hub',
    meaning: 'SpO2 readings in a row below `HUB_SPO2_LOW` before `spo2_low` opens',
  }),
  batteryLow: setting('HUB_BATTERY_LOW', wholeNumber(1, 90), {
    default: 15,
    group: 'hub',
    meaning: 'battery % at or below which `battery_low` opens',
  }),
  offlineBatteryMinutes: setting('HUB_OFFLINE_BATTERY_MINUTES', wholeNumber(1, 7 * 24 * 60), {
    default: 180,
    group: 'hub',
    meaning: 'silence after which a battery device is `device_offline`',
  }),
  offlineMainsMinutes: setting('HUB_OFFLINE_MAINS_MINUTES', wholeNumber(1, 7 * 24 * 60), {
    default: 15,
    group: 'hub',
    meaning: 'silence after which a mains device is `device_offline`',
  }),
  offlineGraceSeconds: setting('HUB_OFFLINE_GRACE_SECONDS', wholeNumber(0, 86_400), {
    default: 120,
    group: 'hub',
    meaning: 'how long a device may take to come back after its will message',
  }),
  outageDevices: setting('HUB_OUTAGE_DEVICES', wholeNumber(2, 100_000), {
    default: 10,
    group: 'hub',
    meaning: 'devices going offline within the outage window that make one `outage` incident',
  }),
  outageWindowSeconds: setting('HUB_OUTAGE_WINDOW_SECONDS', wholeNumber(10, 86_400), {
    default: 300,
    group: 'hub',
    meaning: 'the window of the outage incident',
  }),
  inactivityHours: setting('HUB_INACTIVITY_HOURS', wholeNumber(1, 48), {
    default: 4,
    group: 'hub',
    meaning: 'no activity at home this long within the day window (Beijing time) opens `inactivity`',
  }),
  dayStart: setting('HUB_DAY_START', clockTime, {
    default: 8 * 60,
    defaultText: '`08:00`',
    group: 'hub',
    meaning: 'start of the day window (HH:MM, Beijing time)',
  }),
  dayEnd: setting('HUB_DAY_END', clockTime, {
    default: 21 * 60,
    defaultText: '`21:00`',
    group: 'hub',
    meaning: 'end of the day window',
  }),
  bedExitMinutes: setting('HUB_BED_EXIT_MINUTES', wholeNumber(1, 24 * 60), {
    default: 30,
    group: 'hub',
    meaning: 'out of bed this long, having left it within the night window, opens `bed_exit_night`',
  }),
  nightStart: setting('HUB_NIGHT_START', clockTime, {
    default: 22 * 60,
    defaultText: '`22:00`',
    group: 'hub',
    meaning: 'start of the night window (HH:MM, Beijing time)',
  }),
  nightEnd: setting('HUB_NIGHT_END', clockTime, {
    default: 6 * 60,
    defaultText: '`06:00`',
    group: 'hub',
    meaning: 'end of the night window',
  }),
  cardFont: optional('HUB_CARD_FONT', text, {
    defaultText: 'found',
    group: 'hub',
    meaning:
      'a CJK font for the printed rescue card (`path` or `path#Face`); unset, a Noto CJK font is looked for',
  }),
  archiveMaxAttachmentBytes: setting('HUB_ARCHIVE_MAX_ATTACHMENT_BYTES', wholeNumber(1, 1024 * 1024 * 1024), {
    default: DEFAULT_MAX_ATTACHMENT_BYTES,
    group: 'hub',
    meaning: 'largest file attached to the archive, an intake step or an oral history (larger: 413)',
  }),
  logLevel: setting('HUB_LOG_LEVEL', choice(LOG_LEVELS), {
    default: 'info',
    group: 'hub',
    meaning: 'pino level: `fatal` … `trace`, or `silent`',
  }),
  tlsCert: optional('HUB_TLS_CERT', text, {
    group: 'hub',
    meaning:
      'PEM certificate chain, checked at start with `HUB_TLS_KEY`: MQTT over TLS on `HUB_MQTT_TLS_PORT`, HTTPS (and `wss://…/mqtt`) on the HTTP port',
  }),
  tlsKey: optional('HUB_TLS_KEY', text, {
    group: 'hub',
    meaning: "the certificate's PEM key",
  }),
  tlsCa: optional('HUB_TLS_CA', text, {
    group: 'hub',
    meaning: 'PEM CA bundle: MQTT and HTTPS clients must then present a certificate it signed',
  }),
  mqttTlsPort: setting('HUB_MQTT_TLS_PORT', wholeNumber(0, 65535), {
    default: 8883,
    group: 'hub',
    meaning: 'MQTT over TLS, when the certificate is set',
  }),
  production: setting('HUB_PRODUCTION', flag, {
    default: false,
    group: 'hub',
    meaning:
      '`true`: refuse to start with plaintext listeners (MQTT on TCP, HTTP) unless `HUB_ALLOW_PLAINTEXT=true`, so TLS files are needed',
  }),
  allowPlaintext: optional('HUB_ALLOW_PLAINTEXT', flag, {
    defaultText: '`true`; prod. `false`',
    group: 'hub',
    meaning:
      'plaintext MQTT on `HUB_MQTT_PORT` and plain HTTP (e.g. behind a TLS proxy); off, no plaintext MQTT port is opened',
  }),
  metricsRequireAuth: optional('HUB_METRICS_REQUIRE_AUTH', flag, {
    defaultText: '`false`; token: `true`',
    group: 'hub',
    meaning:
      "`true`: `/metrics` answers only `Authorization: Bearer <HUB_METRICS_TOKEN>` or an admin's or supervisor's session (401/403 otherwise)",
  }),
  mosquittoUrl: optional('HUB_MOSQUITTO_URL', url(['mqtt:', 'mqtts:']), {
    group: 'hub',
    meaning:
      'a Mosquitto (2.0+, dynamic-security plugin) whose device accounts the hub keeps: made on registering, new password on rotating, disabled on revoking',
  }),
  mosquittoUser: optional('HUB_MOSQUITTO_USER', text, {
    group: 'hub',
    meaning:
      "the dynamic-security plugin's administrator (`mosquitto_ctrl dynsec init …`); needed with `HUB_MOSQUITTO_URL`",
  }),
  mosquittoPassword: optional('HUB_MOSQUITTO_PASSWORD', text, {
    group: 'hub',
    meaning: "that administrator's password; needed with `HUB_MOSQUITTO_URL`",
  }),
  brokerUrl: optional('HUB_BROKER_URL', url(['mqtt:', 'mqtts:']), {
    group: 'hub',
    meaning:
      "devices connect to this broker (Mosquitto, EMQX), not the hub's, which does not listen; the hub consumes their topics (shared subscriptions)",
  }),
  brokerUser: optional('HUB_BROKER_USER', text, {
    group: 'hub',
    meaning: "the hub's own account on `HUB_BROKER_URL`",
  }),
  brokerPassword: optional('HUB_BROKER_PASSWORD', text, {
    group: 'hub',
    meaning: "that account's password",
  }),
  brokerGroup: setting('HUB_BROKER_GROUP', text, {
    default: 'junxiu-hub',
    group: 'hub',
    meaning: "the shared-subscription group of the hub's instances on `HUB_BROKER_URL`",
  }),
  brokerSessionExpirySeconds: setting('HUB_BROKER_SESSION_EXPIRY_SECONDS', wholeNumber(60, 4_294_967_295), {
    default: 86_400,
    group: 'hub',
    meaning: "how long that broker keeps an absent instance's session and what was routed to it",
  }),
  redisUrl: optional('HUB_REDIS_URL', url(['redis:', 'rediss:']), {
    group: 'hub',
    meaning:
      'a Redis the instances share: live rooms (a dashboard on any instance sees every alert), sign-in and CONNECT throttles',
  }),
  instanceName: optional('HUB_INSTANCE_NAME', text, {
    group: 'hub',
    meaning:
      "this instance's name, the same across its restarts (its client id on `HUB_BROKER_URL`); unset: the host and the data folder",
  }),
  emqxHookToken: optional('HUB_EMQX_HOOK_TOKEN', bearerToken, {
    group: 'hub',
    meaning:
      'a bearer token (32–512 printable characters) EMQX sends to `POST /api/broker/emqx/authn` and `…/authz`; unset, those answer 404',
  }),
  metricsToken: optional('HUB_METRICS_TOKEN', bearerToken, {
    group: 'hub',
    meaning:
      'a bearer token (32–512 printable characters, e.g. `openssl rand -hex 32`) for the Prometheus scraper; opens `/metrics` and nothing else',
  }),
  docsRequireAuth: setting('HUB_DOCS_REQUIRE_AUTH', flag, {
    default: false,
    group: 'hub',
    meaning:
      "`true`: the OpenAPI page `/docs` and `/docs/json` need a staff session (the dashboard's cookie or a bearer token)",
  }),
  mqttMaxPacketBytes: setting('HUB_MQTT_MAX_PACKET_BYTES', wholeNumber(1024, MAX_PACKET), {
    default: limits.maxPacketBytes,
    group: 'hub',
    meaning: 'largest MQTT packet; a bigger one closes its connection before it is buffered',
  }),
  mqttMaxBridgePacketBytes: optional('HUB_MQTT_MAX_BRIDGE_PACKET_BYTES', wholeNumber(1024, MAX_PACKET), {
    defaultText: `\`${limits.maxBridgePacketBytes}\``,
    group: 'hub',
    meaning:
      'largest packet from an authenticated Zigbee2MQTT bridge (its device list); at least `HUB_MQTT_MAX_PACKET_BYTES`',
  }),
  mqttMaxTopicLevels: setting('HUB_MQTT_MAX_TOPIC_LEVELS', wholeNumber(4, 100), {
    default: limits.maxTopicLevels,
    group: 'hub',
    meaning: 'levels of a topic or filter (the device protocol uses 4)',
  }),
  mqttConnectTimeoutMs: setting('HUB_MQTT_CONNECT_TIMEOUT_MS', wholeNumber(100, 600_000), {
    default: limits.connectTimeoutMs,
    group: 'hub',
    meaning: 'time from connecting to CONNECT',
  }),
  mqttDrainTimeoutMs: setting('HUB_MQTT_DRAIN_TIMEOUT_MS', wholeNumber(100, 600_000), {
    default: limits.drainTimeoutMs,
    group: 'hub',
    meaning: 'time a client may leave its socket full (not reading) before it is dropped',
  }),
  mqttMaxConnections: setting('HUB_MQTT_MAX_CONNECTIONS', wholeNumber(1, 1_000_000), {
    default: limits.maxConnections,
    group: 'hub',
    meaning: 'open MQTT connections (TCP, TLS, WebSocket); more are closed at once',
  }),
  liveReadingsMs: setting('HUB_LIVE_READINGS_MS', wholeNumber(50, 60_000), {
    default: 1000,
    group: 'hub',
    meaning: 'how often the readings gathered per device go out to the dashboards (`readings` event)',
  }),
  stopTimeoutMs: setting('HUB_STOP_TIMEOUT_MS', wholeNumber(1000, 600_000), {
    default: 15_000,
    group: 'hub',
    meaning:
      'how long a SIGTERM drain may take before the process exits anyway (see Never losing a call for help)',
  }),
  mqttEventCommitTimeoutMs: setting('HUB_MQTT_EVENT_COMMIT_TIMEOUT_MS', wholeNumber(100, 600_000), {
    default: limits.eventCommitTimeoutMs,
    group: 'hub',
    meaning:
      'longest wait for a device event to be stored before the broker gives up on it unacknowledged (the device sends it again)',
  }),
  mqttFailedConnectsPerIp: setting('HUB_MQTT_FAILED_CONNECTS_PER_IP', wholeNumber(1, 100_000), {
    default: failed.perIp,
    group: 'hub',
    meaning: 'failed CONNECTs from one address within the window before its cool-down',
  }),
  mqttFailedConnectsPerUsername: setting('HUB_MQTT_FAILED_CONNECTS_PER_USERNAME', wholeNumber(1, 100_000), {
    default: failed.perUsername,
    group: 'hub',
    meaning: 'failed CONNECTs for one device id within the window before its cool-down',
  }),
  mqttFailedConnectWindowSeconds: setting('HUB_MQTT_FAILED_CONNECT_WINDOW_SECONDS', wholeNumber(1, 86_400), {
    default: failed.windowMs / 1000,
    group: 'hub',
    meaning: 'the window in which failed CONNECTs are counted',
  }),
  mqttCooldownSeconds: setting('HUB_MQTT_COOLDOWN_SECONDS', wholeNumber(1, 86_400), {
    default: failed.cooldownMs / 1000,
    group: 'hub',
    meaning: 'length of a cool-down',
  }),
  mqttCooldownDelayMs: setting('HUB_MQTT_COOLDOWN_DELAY_MS', wholeNumber(0, 60_000), {
    default: failed.delayMs,
    group: 'hub',
    meaning: "during a device id's cool-down, how long other addresses wait for their answer",
  }),
  watchHost: setting('HUB_WATCH_HOST', text, {
    default: '0.0.0.0',
    group: 'hub',
    meaning: 'address the watch and pendant listeners bind (see Watches and pendants (TCP))',
  }),
  watch3gPort: optional('HUB_WATCH_3G_PORT', wholeNumber(0, 65535), {
    defaultText: '(off)',
    group: 'hub',
    meaning:
      'TCP port for watches on the 3G text protocol (`[3G*…]`). Unset: not served; `0` picks a free port (logged).',
  }),
  watchIwPort: optional('HUB_WATCH_IW_PORT', wholeNumber(0, 65535), {
    defaultText: '(off)',
    group: 'hub',
    meaning: 'TCP port for watches on the IW protocol (`IWAP…#`). Unset: not served; `0` picks a free port.',
  }),
  watchJt808Port: optional('HUB_WATCH_JT808_PORT', wholeNumber(0, 65535), {
    defaultText: '(off)',
    group: 'hub',
    meaning: 'TCP port for pendants and trackers on JT/T 808. Unset: not served; `0` picks a free port.',
  }),
  watchTls: setting('HUB_WATCH_TLS', flag, {
    default: false,
    group: 'hub',
    meaning:
      '`true`: the watch and pendant listeners speak TLS with `HUB_TLS_CERT`/`HUB_TLS_KEY`, for devices that can (most 4G watches cannot: leave it off and allow plaintext)',
  }),
  watchMaxFrameBytes: setting('HUB_WATCH_MAX_FRAME_BYTES', wholeNumber(256, 16 * 1024 * 1024), {
    default: DEFAULT_WATCH_LIMITS.maxFrameBytes,
    group: 'hub',
    meaning: 'largest watch frame (a 3G voice note is the largest); a bigger one is refused and skipped',
  }),
  watchIdleSeconds: setting('HUB_WATCH_IDLE_SECONDS', wholeNumber(10, 86_400), {
    default: DEFAULT_WATCH_LIMITS.idleTimeoutMs / 1000,
    group: 'hub',
    meaning: 'a watch connection silent this long is closed (watches link every few minutes)',
  }),
  watchMaxConnections: setting('HUB_WATCH_MAX_CONNECTIONS', wholeNumber(1, 1_000_000), {
    default: DEFAULT_WATCH_LIMITS.maxConnections,
    group: 'hub',
    meaning: 'open watch and pendant connections over all protocols; more are closed at once',
  }),
  watchMaxFramesPerSecond: setting('HUB_WATCH_MAX_FRAMES_PER_SECOND', wholeNumber(1, 100_000), {
    default: DEFAULT_WATCH_LIMITS.maxFramesPerSecond,
    group: 'hub',
    meaning: 'frames one watch connection may send in a second; more close it as a flood',
  }),

  // ── the centre and its notification channels ───────────────────────────────────────────────────
  centreName: setting('HUB_CENTRE_NAME', text, {
    default: '军休服务中心',
    group: 'notify',
    meaning: "the centre's name on the family page and in messages",
  }),
  centrePhone: setting('HUB_CENTRE_PHONE', text, {
    default: '',
    defaultText: '(none)',
    group: 'notify',
    meaning: "the centre's phone on the family page and in messages",
  }),
  smtpUrl: optional('HUB_SMTP_URL', url(['smtp:', 'smtps:']), {
    defaultText: '(none: e-mail is not sent)',
    group: 'notify',
    meaning: '`smtp://user:pass@host:587` or `smtps://…:465`',
  }),
  smtpFrom: setting('HUB_SMTP_FROM', text, {
    default: '军休智慧监护平台 <noreply@junxiu-hub.local>',
    group: 'notify',
    meaning: 'the sender of notification e-mails',
  }),
  publicUrl: optional('HUB_PUBLIC_URL', url(['http:', 'https:']), {
    defaultText: '(none)',
    group: 'notify',
    meaning: "the hub's address as families reach it; e-mails link to `/family`, survey slips to `/q/…`",
  }),
  webhookRetryDelays: setting('HUB_WEBHOOK_RETRY_DELAYS', delays, {
    default: [0, 2000, 8000],
    group: 'notify',
    meaning: 'milliseconds before each attempt (e-mail and webhooks); the count is the attempts',
  }),
  notifyQueue: setting('HUB_NOTIFY_QUEUE', wholeNumber(1, 1_000_000), {
    default: 1000,
    group: 'notify',
    meaning: 'deliveries held in memory at once; more wait in the outbox of the records until there is room',
  }),
  notifyTimeoutMs: setting('HUB_NOTIFY_TIMEOUT_MS', wholeNumber(100, 600_000), {
    default: 10_000,
    group: 'notify',
    meaning: 'the longest one attempt may take',
  }),
  notifyAllowedNetworks: setting('HUB_NOTIFY_ALLOWED_NETWORKS', networks, {
    default: [],
    defaultText: '(none)',
    group: 'notify',
    meaning: 'comma-separated IPs and CIDR ranges webhooks may reach though private or loopback',
  }),

  // ── accounts and sessions ──────────────────────────────────────────────────────────────────────
  sessionIdleMinutes: setting('HUB_SESSION_IDLE_MINUTES', wholeNumber(1, 24 * 60), {
    default: 30,
    group: 'accounts',
    meaning:
      'a session with no request and no open live connection for this long ends (an open duty wall keeps its session alive)',
  }),
  sessionHours: setting('HUB_SESSION_HOURS', wholeNumber(1, 24 * 30), {
    default: 12,
    group: 'accounts',
    meaning: 'absolute end of every session, however busy (one shift)',
  }),
  adminTotpRequired: setting('HUB_ADMIN_TOTP_REQUIRED', flag, {
    default: true,
    group: 'accounts',
    meaning: 'admins must enrol TOTP before their first session',
  }),
  secretKey: optional('HUB_SECRET_KEY', base64Key(32), {
    defaultText: 'key file',
    group: 'accounts',
    meaning:
      '32 bytes, base64 (`openssl rand -base64 32`), sealing TOTP secrets (AES-256-GCM); unset: `secret.key` in `HUB_DATA_DIR`, made at first start. Give every instance of a cluster the same one.',
  }),
  allowedOrigins: setting('HUB_ALLOWED_ORIGINS', origins, {
    default: [],
    defaultText: '—',
    group: 'accounts',
    meaning:
      "comma-separated origins (`https://wall.example.org`) besides the hub's own host whose pages may open the live channel and call the API with the cookie",
  }),
  loginFailuresPerIp: setting('HUB_LOGIN_FAILURES_PER_IP', wholeNumber(1, 10_000), {
    default: DEFAULT_THROTTLE.perIp,
    group: 'accounts',
    meaning:
      'failed sign-ins from one address in the window before that address alone gets 429 (with Retry-After) for the cool-down',
  }),
  loginFailuresPerAccount: setting('HUB_LOGIN_FAILURES_PER_ACCOUNT', wholeNumber(1, 10_000), {
    default: DEFAULT_THROTTLE.perAccount,
    group: 'accounts',
    meaning:
      'failed sign-ins for one account (from anywhere) before its answers are delayed, doubling per failure up to `HUB_LOGIN_MAX_DELAY_MS`',
  }),
  loginAccountRefuseAt: setting('HUB_LOGIN_ACCOUNT_REFUSE_AT', wholeNumber(1, 100_000), {
    default: DEFAULT_THROTTLE.accountRefuseAt,
    group: 'accounts',
    meaning:
      'failures for one account after which addresses it never signed in from get 429 until the window passes',
  }),
  loginWindowMinutes: setting('HUB_LOGIN_WINDOW_MINUTES', wholeNumber(1, 24 * 60), {
    default: DEFAULT_THROTTLE.windowMs / 60_000,
    group: 'accounts',
    meaning: 'the window in which failed sign-ins are counted',
  }),
  loginCooldownSeconds: setting('HUB_LOGIN_COOLDOWN_SECONDS', wholeNumber(1, 86_400), {
    default: DEFAULT_THROTTLE.cooldownMs / 1000,
    group: 'accounts',
    meaning: "the length of an address's cool-down",
  }),
  loginMaxDelayMs: setting('HUB_LOGIN_MAX_DELAY_MS', wholeNumber(0, 60_000), {
    default: DEFAULT_THROTTLE.maxDelayMs,
    group: 'accounts',
    meaning: "the longest delay of an attacked account's answers",
  }),

  // ── bursts that raise a security alert ─────────────────────────────────────────────────────────
  securityAuthFailures: setting('HUB_SECURITY_AUTH_FAILURES', wholeNumber(2, 1_000_000), {
    default: 20,
    group: 'security',
    meaning:
      'refused MQTT CONNECTs (wrong secret, unknown or revoked device, cool-downs) within the window that make a burst',
  }),
  securityAuthWindowSeconds: setting('HUB_SECURITY_AUTH_WINDOW_SECONDS', wholeNumber(1, 86_400), {
    default: 60,
    group: 'security',
    meaning: 'the window of refused CONNECTs',
  }),
  securityDisconnects: setting('HUB_SECURITY_DISCONNECTS', wholeNumber(2, 1_000_000), {
    default: 20,
    group: 'security',
    meaning:
      'distinct devices dropping offline within the window that make a burst (one device flapping is not a storm)',
  }),
  securityDisconnectWindowSeconds: setting('HUB_SECURITY_DISCONNECT_WINDOW_SECONDS', wholeNumber(1, 86_400), {
    default: 60,
    group: 'security',
    meaning: 'the window of devices dropping',
  }),
  securityLoginFailures: setting('HUB_SECURITY_LOGIN_FAILURES', wholeNumber(2, 1_000_000), {
    default: 10,
    group: 'security',
    meaning: 'failed staff sign-ins (`login_failed` in the audit log) within the window that make a burst',
  }),
  securityLoginWindowSeconds: setting('HUB_SECURITY_LOGIN_WINDOW_SECONDS', wholeNumber(1, 86_400), {
    default: 300,
    group: 'security',
    meaning: 'the window of failed sign-ins',
  }),
  securityPollSeconds: setting('HUB_SECURITY_POLL_SECONDS', wholeNumber(1, 3600), {
    default: 10,
    group: 'security',
    meaning: 'how often the audit log is read for failed sign-ins',
  }),

  // ── retention (PIPL art. 19, 47) ───────────────────────────────────────────────────────────────
  retentionTelemetryDays: setting('HUB_RETENTION_TELEMETRY_DAYS', daysOrOff, {
    default: 730,
    group: 'retention',
    meaning: 'readings older than this many days are deleted; `off` keeps them',
  }),
  retentionClosedRecordsDays: setting('HUB_RETENTION_CLOSED_RECORDS_DAYS', daysOrOff, {
    default: 1825,
    group: 'retention',
    meaning: 'closed records (see below) are deleted this many days after they closed; `off` keeps them',
  }),
  retentionIntervalMinutes: setting('HUB_RETENTION_INTERVAL_MINUTES', wholeNumber(1, 7 * 24 * 60), {
    default: 60,
    group: 'retention',
    meaning: 'how often retention runs (and once at start)',
  }),
} satisfies Record<string, Setting<unknown>>;

/** The value of each setting, as read from the environment. */
export type Settings = { [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]['read']> };

/** Reads every setting; the first bad one throws a ConfigError naming its variable. */
export function readSettings(env: Env): Settings {
  const values: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(SETTINGS)) values[key] = (entry as Setting<unknown>).read(env);
  return values as Settings;
}
