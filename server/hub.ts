/**
 * The composition root: opens and migrates the records database, builds the hub's parts, then runs
 * its long-lived ones as extensions (server/extension.ts), listed once below: started in order
 * (sessions, telemetry, writer, live channel, alert workflow, families, notifications, escalation,
 * schedulers, detection, the broker, the watch listeners, retention, the HTTP API) and stopped in
 * reverse. Tests start a whole hub through here with port 0 and a temporary data folder.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import promClient from 'prom-client';
import { EventBus } from '../devices/bus.ts';
import { WATCH_DEVICE_TYPES } from '../devices/index.ts';
import {
  BrokerConsumer,
  consumerLanes,
  createTelemetryStore,
  Detector,
  ExternalBrokerAuth,
  LineLimitedLog,
  MqttGateway,
  openBrokerStore,
  type TelemetryStore,
  TelemetryWriter,
  WatchGateway,
} from '../gateway/index.ts';
import { AbroadStays } from './abroad/stays.ts';
import { SuspensionWatch } from './abroad/watch.ts';
import { Escalation } from './alerts/escalation.ts';
import { AlertWorkflow } from './alerts/workflow.ts';
import { buildApp, httpApi } from './app.ts';
import { AuditLog } from './audit/log.ts';
import { ensureAdmin } from './auth/bootstrap.ts';
import { loginMetrics } from './auth/metrics.ts';
import { Sessions } from './auth/sessions.ts';
import { DEFAULT_THROTTLE, LoginThrottle } from './auth/throttle.ts';
import { Vault } from './auth/vault.ts';
import { MosquittoAccounts } from './broker/mosquitto.ts';
import { CENTRE_UTC_OFFSET_MINUTES } from './calendar.ts';
import { type FolderLock, lockDataFolder } from './cluster/folder-lock.ts';
import { InstanceRegistry } from './cluster/instances.ts';
import { Lease } from './cluster/lease.ts';
import { GoneLinks } from './cluster/links.ts';
import { connectSharedRedis, type SharedRedis } from './cluster/redis.ts';
import { RedisBursts } from './cluster/redis-bursts.ts';
import { RedisRuns } from './cluster/redis-runs.ts';
import { RedisTallies } from './cluster/redis-tallies.ts';
import { ClusterRelay } from './cluster/relay.ts';
import type { HubConfig } from './config.ts';
import type { HubContext, HubParts } from './context.ts';
import { type Database, openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { RecordsUpkeep } from './db/upkeep.ts';
import { Directory } from './devices/directory.ts';
import { DeviceRevocations } from './devices/revocations.ts';
import { DeviceState } from './devices/state.ts';
import { type Extension, startExtensions } from './extension.ts';
import { FamilyService } from './family/service.ts';
import { FamilyStore } from './family/store.ts';
import { type LatestReadings, LiveChannel } from './live/channel.ts';
import { StationLookup } from './live/stations.ts';
import { LocationService } from './location/service.ts';
import { withoutLinkToken } from './notify/links.ts';
import { NotificationService } from './notify/service.ts';
import { RetentionJob } from './privacy/retention.ts';
import { Privacy } from './privacy/service.ts';
import { RequestListener } from './requests/listener.ts';
import { RequestStore } from './requests/store.ts';
import { AuditLoginFailures } from './security/audit-logins.ts';
import { SecurityMonitor } from './security/monitor.ts';
import { AbsenceStore } from './store/absence.ts';
import { AlertStore } from './store/alerts.ts';
import { DeviceStore } from './store/devices.ts';
import { RetireeStore } from './store/retirees.ts';
import { UserStore } from './store/users.ts';
import { ComfortVisits } from './visits/comfort.ts';
import { WatchCommands } from './watches/commands.ts';
import { VoiceNotes } from './watches/voice.ts';

/** The hub's own listeners on the bus: the log of alert changes and escalations. */
const LOG_OWNER = 'hub-log';

export interface Hub {
  readonly httpPort: number;
  readonly mqttPort: number;
  /** The ports of the watch and pendant listeners; 0 for a protocol not served. */
  readonly watchPorts: { '3g': number; iw: number; jt808: number };
  readonly url: string;
  readonly db: Database;
  readonly bus: EventBus;
  readonly app: FastifyInstance;
  readonly telemetry: TelemetryStore;
  readonly writer: TelemetryWriter;
  readonly workflow: AlertWorkflow;
  /** Family notifications (e-mail, signed webhooks); the escalation ladder calls `notify` too. */
  readonly notifications: NotificationService;
  readonly families: FamilyService;
  readonly escalation: Escalation;
  /** Set when the first admin was created with a generated password. */
  readonly generatedAdminPassword: string | undefined;
  stop(): Promise<void>;
}

/**
 * The hub's logger. Requests are logged as Fastify logs them, but for the token of a phone page's
 * link (/m/<token>), which is a key to act on an alert and stays out of the log.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'junxiu-hub' },
    serializers: {
      req: (request: {
        method: string;
        url: string;
        host?: string;
        ip?: string;
        socket?: { remotePort?: number };
      }) => ({
        method: request.method,
        url: withoutLinkToken(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export async function startHub(
  config: HubConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<Hub> {
  await fs.mkdir(config.dataDir, { recursive: true });
  const folder = await lockDataFolder(config.dataDir);
  try {
    return await startLocked(config, logger, folder);
  } catch (error) {
    await folder.release();
    throw error;
  }
}

async function startLocked(config: HubConfig, logger: Logger, folder: FolderLock): Promise<Hub> {
  const registry = new promClient.Registry();
  promClient.collectDefaultMetrics({ register: registry });
  const bus = new EventBus((error, event, payload) =>
    logger.error({ err: error, event, payload }, 'bus listener failed'),
  );
  const db = await openDatabase({
    ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
    dataDir: config.dataDir,
    cacheMb: config.recordsCacheMb,
  });
  // What the instances share (HUB_REDIS_URL): the sign-in and CONNECT throttles' tallies, the live
  // channel's rooms, and what one instance tells the others (ended sessions, revoked devices,
  // changed devices and retirees).
  const redis = config.redisUrl ? connectSharedRedis(config.redisUrl, logger) : null;
  let parts: Awaited<ReturnType<typeof buildParts>>;
  try {
    parts = await buildParts(config, logger, registry, bus, db, redis);
  } catch (error) {
    await Promise.all([db.close(), redis?.close()]).catch((closing: unknown) =>
      logger.error({ err: closing }, 'stop failed'),
    );
    throw error;
  }
  const { extensions, http, gateway, writer, telemetry, workflow, escalation, notifications, families } =
    parts;
  const stop = await startExtensions(extensions, (error, name) =>
    logger.error({ err: error, extension: name }, 'stop failed'),
  );

  const httpPort = http.port;
  const host = config.httpHost === '0.0.0.0' || config.httpHost === '::' ? '127.0.0.1' : config.httpHost;
  const url = `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${httpPort}`;
  logger.info(
    {
      httpPort,
      mqttPort: gateway.tcpPort,
      records: db.kind,
      telemetry: telemetry.kind,
      dataDir: config.dataDir,
    },
    `hub ready at ${url}`,
  );
  return {
    httpPort,
    mqttPort: gateway.tcpPort,
    watchPorts: {
      '3g': parts.watches.port('3g'),
      iw: parts.watches.port('iw'),
      jt808: parts.watches.port('jt808'),
    },
    url,
    db,
    bus,
    app: http.app,
    telemetry,
    writer,
    workflow,
    escalation,
    notifications,
    families,
    generatedAdminPassword: parts.generatedAdminPassword,
    stop: async () => {
      await stop();
      await folder.release();
    },
  };
}

/**
 * Everything the hub runs, built on the migrated records database, and the extensions that run it
 * in the order they start. Nothing here starts yet, except what the others are built on: the
 * database's schema, the first admin, the device directory.
 */
async function buildParts(
  config: HubConfig,
  logger: Logger,
  registry: promClient.Registry,
  bus: EventBus,
  db: Database,
  redis: SharedRedis | null,
) {
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'database migrated');

  const users = new UserStore(db);
  const vault = await Vault.open(config.secretKey, config.dataDir);
  const admin = await ensureAdmin(users, config.adminPassword);
  if (admin.generatedPassword) {
    // Printed once, to the terminal, not to the structured log.
    process.stdout.write(
      `\n  First start: an admin account was created.\n  username: admin\n  password: ${admin.generatedPassword}\n  Keep it safe; it is not shown again.\n\n`,
    );
  }
  const retirees = new RetireeStore(db);
  const devices = new DeviceStore(db);
  const alerts = new AlertStore(db);
  const throttleFallbacks = new promClient.Counter({
    name: 'hub_throttle_redis_fallbacks_total',
    help: "Throttle operations this instance's memory answered because Redis did not (down, slow or failing)",
    registers: [registry],
  });
  const tallies = redis
    ? new RedisTallies(redis.publish, {
        prefix: 'junxiu-hub:throttle',
        onError: () => throttleFallbacks.inc(),
      })
    : undefined;
  const sessions = new Sessions(
    users,
    bus,
    {
      sessionHours: config.sessionHours,
      idleMinutes: config.sessionIdleMinutes,
      adminTotpRequired: config.adminTotpRequired,
      issuer: config.notify.centreName || 'Junxiu Hub',
      enrolmentMinutes: 10,
    },
    vault,
    new LoginThrottle({ ...DEFAULT_THROTTLE, ...config.loginThrottle }, Date.now, tallies),
    loginMetrics(registry),
  );

  const directory = new Directory(
    bus,
    devices,
    retirees,
    { low: config.hrLowDefault, high: config.hrHighDefault, consecutive: config.hrConsecutive },
    new DeviceRevocations(db),
  );
  await directory.load();

  const telemetry = createTelemetryStore({
    dataDir: config.dataDir,
    ...(config.influx.url ? { url: config.influx.url } : {}),
    ...(config.influx.token ? { token: config.influx.token } : {}),
    ...(config.influx.org ? { org: config.influx.org } : {}),
    ...(config.influx.bucket ? { bucket: config.influx.bucket } : {}),
  });
  const writer = new TelemetryWriter({
    store: telemetry,
    dataDir: config.dataDir,
    logger,
    registry,
    batchSize: config.telemetryBatchSize,
    flushIntervalMs: config.telemetryFlushMs,
    spoolMaxBytes: config.spoolMaxBytes,
    // A hung store must not hold a SIGTERM past its bound: the rest goes to the spool.
    stopFlushMs: Math.min(5_000, Math.floor(config.stopTimeoutMs / 3)),
  });

  const notifySettings = config.notify;
  const familyRecords = new FamilyStore(db);
  const stations = new StationLookup(db);
  const relay = redis
    ? new ClusterRelay({
        publish: redis.publish,
        subscribe: redis.relay,
        channel: 'junxiu-hub:relay',
        bus,
        directory,
        log: logger,
      })
    : null;
  const watchRefusals = new promClient.Counter({
    name: 'hub_live_watch_refused_total',
    help: 'Watch requests on the live channel refused, changing nothing, by reason: malformed, too_many (over the limit of ids), family (a family account asks for readings)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const live = new LiveChannel(
    bus,
    (token) => sessions.userFor(token),
    async (userId) => (await familyRecords.retireeOf(userId))?.retireeId ?? null,
    {
      liveSessions: (hashes) => sessions.liveSessions(hashes),
      allowedOrigins: config.allowedOrigins,
      stationOf: (retireeId) => stations.of(retireeId),
      onRefused: (reason) => watchRefusals.inc({ reason }),
      // What this instance has seen of a screen's devices, sent as it begins to show them.
      seen: (retirees, devices): LatestReadings[] => deviceState.seen(retirees, devices),
      readingsEveryMs: config.liveReadingsMs,
      ...(redis
        ? { sharedRooms: { publish: redis.publish, subscribe: redis.subscribe, key: 'junxiu-hub:live' } }
        : {}),
    },
  );
  const workflow = new AlertWorkflow(db, bus, directory, undefined, {
    devices: config.detection.outageDevices,
    windowMs: config.detection.outageWindowSeconds * 1000,
  });

  // 防走失: each retiree's latest fix, and their safe zone's rule (wander alerts).
  const locationFixes = new promClient.Counter({
    name: 'hub_location_fixes_total',
    help: 'Fixes from watches, by outcome: kept as the latest, older than the latest, from a device bound to nobody, failed, unplaced (no fix and no known tower)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const locations = new LocationService({
    db,
    bus,
    directory,
    workflow,
    onError: (error) => logger.error({ err: error }, 'position not handled'),
    count: (outcome) => locationFixes.inc({ outcome }),
  });

  const instances = new InstanceRegistry(db, {
    heartbeatMs: (config.instanceStaleSeconds * 1000) / 3,
    staleMs: config.instanceStaleSeconds * 1000,
    broker: config.externalBroker ? 'external' : 'embedded',
    redis: redis !== null,
    keyCheck: vault.fingerprint('instance key check', 'junxiu-hub'),
    onError: (error) => logger.error({ err: error }, 'instance heartbeat failed'),
    onRevived: () => {
      logger.error(
        'this instance was thought gone (it stood still longer than HUB_INSTANCE_STALE_SECONDS); it is heard from again',
      );
      // Its devices may have been marked offline meanwhile while their connections stayed open.
      goneLinks.reclaim([...gateway.connectedDevices(), ...watches.connectedDevices()]).then(
        (back) => {
          if (back.length > 0)
            logger.warn({ devices: back.length }, 'devices still connected are online again');
        },
        (error: unknown) => logger.error({ err: error }, 'devices still connected not marked online again'),
      );
    },
  });

  // 6.11.2.4: families are told (their page live, e-mail and webhooks), each in the background;
  // both listen to the bus. A delivery left by an instance that died is taken by another.
  const notifications = new NotificationService(db, notifySettings, logger, {
    registry,
    bus,
    vault,
    instance: { id: instances.id, staleMs: config.instanceStaleSeconds * 1000 },
    shared: config.databaseUrl !== undefined,
  });
  const families = new FamilyService(
    db,
    bus,
    live,
    { name: notifySettings.centreName, phone: notifySettings.centrePhone },
    (error) => logger.error({ err: error }, 'family push failed'),
  );

  // The supervisor sees the level on the live wall; families and the centre's channels are told.
  const escalation = new Escalation(db, bus, (error) =>
    logger.error({ err: error }, 'escalation pass failed'),
  );

  // 6.4.2.4: retirees abroad six months without contact are flagged, hourly and at start.
  const abroadWatch = new SuspensionWatch(new AbroadStays(db), {
    centreName: notifySettings.centreName,
    onFlag: (suspension) =>
      logger.warn(
        { retireeId: suspension.retireeId, months: suspension.months },
        'retiree abroad without contact: pension suspended, report drafted',
      ),
    onError: (error) => logger.error({ err: error }, 'abroad contact check failed'),
  });

  const requests = new RequestListener(bus, new RequestStore(db), directory);
  const comfort = new ComfortVisits(bus, db, (error) =>
    logger.error({ err: error }, 'comfort visit not raised'),
  );

  const deviceState = new DeviceState(
    bus,
    devices,
    directory,
    live,
    (error) => logger.error({ err: error }, 'device state not saved'),
    { instanceId: instances.id },
  );

  const runsFallbacks = new promClient.Counter({
    name: 'hub_detect_runs_redis_fallbacks_total',
    help: "Readings this instance judged with its own memory of the device's runs because Redis did not answer",
    registers: [registry],
  });
  const detector = new Detector(bus, detectorOptions(config, directory), new AbsenceStore(db), {
    ...(redis
      ? {
          sharedRuns: new RedisRuns(redis.detect, {
            prefix: 'junxiu-hub:runs',
            onError: () => runsFallbacks.inc(),
          }),
        }
      : {}),
    onError: (error) => logger.error({ err: error }, 'detection by silence'),
  });

  // Bursts of refused devices, disconnect storms and failed sign-ins raise a security alert.
  const loginFailures = new AuditLoginFailures(db);
  const burstFallbacks = new promClient.Counter({
    name: 'hub_security_bursts_redis_fallbacks_total',
    help: 'Refused CONNECTs and disconnections this instance judged with its own window because Redis did not answer',
    registers: [registry],
  });
  const securityMonitor = new SecurityMonitor({
    bus,
    settings: config.security,
    logins: loginFailures,
    onError: (error) => logger.error({ err: error }, 'security monitor failed'),
    registry,
    ...(redis
      ? {
          shared: new RedisBursts(redis.detect, {
            prefix: 'junxiu-hub:bursts',
            onError: () => burstFallbacks.inc(),
          }),
        }
      : {}),
  });

  // What strangers on the network send decides how often the broker logs: bounded per message.
  const brokerLog = new LineLimitedLog(logger, registry);
  // Sessions, queued commands, retained status and wills outlive a restart (HUB_BROKER_STORE).
  const brokerStore =
    config.brokerStore === 'disk'
      ? openBrokerStore(path.join(config.dataDir, 'broker.sqlite'), { registry, log: logger })
      : undefined;
  const gateway = new MqttGateway({
    bus,
    directory,
    writer,
    log: brokerLog,
    registry,
    tcp: config.plaintext ? { host: config.mqttHost, port: config.mqttPort } : null,
    tls: config.tls ? { ...config.tls, host: config.mqttHost, port: config.mqttTlsPort } : null,
    limits: config.mqttLimits,
    tallies,
    ...(brokerStore ? { persistence: brokerStore } : {}),
  });

  // Devices on an external broker (HUB_BROKER_URL): the hub consumes their topics from it, on a
  // lane for the alerts and one for the readings, and its own broker does not listen.
  const external = config.externalBroker;
  const consumers = external
    ? consumerLanes(external.clientId, external.group).map(
        (lane) =>
          new BrokerConsumer({
            ...external,
            ...lane,
            eventCommitTimeoutMs: config.mqttLimits.eventCommitTimeoutMs,
            directory,
            messages: gateway.messages,
            bus,
            log: brokerLog,
            registry,
          }),
      )
    : [];
  const [consumer] = consumers;

  // Devices on an EMQX cluster: EMQX asks the hub at CONNECT and, for older versions, at each
  // publish and subscribe (HUB_EMQX_HOOK_TOKEN; server/broker/).
  const externalHooks = new promClient.Counter({
    name: 'hub_broker_hook_requests_total',
    help: 'Questions an external broker (EMQX) asked the hub, by hook (connect, publish, subscribe) and outcome (allow, deny, or why a CONNECT was refused)',
    labelNames: ['hook', 'outcome'],
    registers: [registry],
  });
  const externalBroker = config.emqxHookToken
    ? {
        token: config.emqxHookToken,
        auth: new ExternalBrokerAuth({
          directory,
          connects: gateway.connects,
          count: (hook, outcome) => externalHooks.inc({ hook, outcome }),
        }),
      }
    : null;

  // Device accounts kept in a Mosquitto's dynamic-security plugin (HUB_MOSQUITTO_URL); each
  // (re)connection applies the revocations again, so one made while Mosquitto was away holds.
  let brokerAccounts: MosquittoAccounts | null = null;
  /** Key of the jobs' advisory lock (any constant the hub takes nowhere else). */
  const JOBS_LEASE_KEY = 2839_0017;
  const mosquitto = config.mosquitto;
  const reapplyRevocations = async () => {
    if (!brokerAccounts) return;
    for (const [deviceId, state] of await new DeviceRevocations(db).states()) {
      if (state.revokedAt) await brokerAccounts.revoke(deviceId);
    }
  };

  // Watches and pendants on their makers' protocols, each on its own port (HUB_WATCH_*).
  const watchHost = config.watches.host;
  const watches = new WatchGateway({
    bus,
    directory,
    writer,
    log: brokerLog,
    registry,
    tls: config.watches.tls,
    listeners: Object.fromEntries(
      Object.entries(config.watches.ports).map(([protocol, port]) => [protocol, { host: watchHost, port }]),
    ),
    // The code a JT/T 808 terminal authenticates with: the same after a restart and on every
    // instance, and not to be worked out from the terminal's id.
    authCode: (deviceId) => vault.fingerprint('jt808 auth code', deviceId).slice(0, 16),
    utcOffsetMinutes: CENTRE_UTC_OFFSET_MINUTES,
    limits: { ...config.watches.limits, eventCommitTimeoutMs: config.mqttLimits.eventCommitTimeoutMs },
  });
  // What staff ask of those watches, kept until each has linked and answered.
  const watchCommands = new WatchCommands({
    db,
    bus,
    link: watches,
    directory,
    dutyPhone: notifySettings.centrePhone,
    log: logger,
  });
  const voiceNotes = new VoiceNotes(db, bus);

  // PIPL art. 45, 47: a person's data exported or deleted across every store; retention on a schedule.
  const privacyPorts = {
    db,
    telemetry,
    writer,
    broker: consumer ?? gateway,
    devices: directory,
    accounts: { endSessions: (userId: string) => sessions.endSessionsOf(userId) },
    dataDir: config.dataDir,
    audit: new AuditLog(db),
    now: () => new Date(),
  };
  const retention = new RetentionJob(
    privacyPorts,
    { ...config.retention, intervalMs: config.retention.intervalMinutes * 60_000 },
    logger,
    registry,
  );
  const privacy = new Privacy(privacyPorts, retention);
  // PGlite runs no autovacuum: the hub vacuums and analyzes the records itself.
  const upkeep = new RecordsUpkeep(
    db,
    { intervalMs: config.recordsUpkeepMinutes * 60_000 },
    logger,
    registry,
  );

  const context: HubContext = {
    db,
    sessions,
    registry,
    sessionHours: config.sessionHours,
    centre: { name: notifySettings.centreName, phone: notifySettings.centrePhone },
    cardFont: config.cardFont,
    linkKey: vault,
    publicUrl: notifySettings.publicUrl,
    maxAttachmentBytes: config.archiveMaxAttachmentBytes,
    dataDir: config.dataDir,
    allowedOrigins: config.allowedOrigins,
    systemAccess: config.systemAccess,
  };
  const shared: HubParts = {
    retirees,
    users,
    devices,
    alerts,
    workflow,
    escalation,
    directory,
    deviceState,
    watchCommands,
    voiceNotes,
    externalBroker,
    brokerAccounts: () => brokerAccounts,
    bridgeFollowed: async (baseTopic, timeoutMs) =>
      (await Promise.all(consumers.map((lane) => lane.follows(baseTopic, timeoutMs)))).every(Boolean),
    telemetry,
    families,
    notifications,
    abroadWatch,
    privacy,
    security: {
      monitor: securityMonitor,
      settings: config.security,
      logins: loginFailures,
      refusals: () => gateway.connects.refusals.recent(),
      // A read-only walk of the chain the app's audit hook writes.
      auditChain: () => new AuditLog(db).verify(),
      offlineAfterMs: {
        battery: config.detection.offlineBatteryMinutes * 60_000,
        mains: config.detection.offlineMainsMinutes * 60_000,
      },
    },
    health: () => ({
      mqttPort: gateway.tcpPort,
      spoolBytes: writer.spool.bytes,
      liveClients: live.connectedCount(),
    }),
  };
  const http = httpApi(config, logger, () => buildApp(context, shared, logger), { live, gateway });

  const goneLinks = new GoneLinks({
    devices,
    bus,
    staleMs: config.instanceStaleSeconds * 1000,
    onError: (error) => logger.error({ err: error }, 'links of gone instances'),
  });

  // The jobs that must run once however many instances share the database: on the holder of a
  // lease (a PostgreSQL advisory lock; on PGlite always this instance). Each derives its work from
  // stored state, so another instance taking over neither repeats nor skips a step.
  const runOnce: Extension[] = [
    { name: 'escalation', start: () => escalation.start(), stop: () => escalation.stop() },
    { name: 'abroad watch', start: () => abroadWatch.start(), stop: () => abroadWatch.stop() },
    { name: 'retention', start: () => retention.start(), stop: () => retention.stop() },
    { name: 'records upkeep', start: () => upkeep.start(), stop: () => upkeep.stop() },
    { name: 'absence sweep', start: () => detector.startSweep(), stop: () => detector.stopSweep() },
    { name: 'pending departures', start: () => locations.resumePending(), stop: () => {} },
    { name: 'links of gone instances', start: () => goneLinks.start(), stop: () => goneLinks.stop() },
    {
      name: 'failed sign-ins watch',
      start: () => securityMonitor.startLogins(),
      stop: () => securityMonitor.stopLogins(),
    },
  ];
  const leaseHeld = new promClient.Gauge({
    name: 'hub_jobs_lease_held',
    help: 'Whether this instance holds the lease of the jobs that must run once (escalation, sweeps, retention)',
    registers: [registry],
  });
  const jobsLease = new Lease(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite' },
    {
      key: JOBS_LEASE_KEY,
      name: 'jobs',
      onAcquired: async () => {
        for (const job of runOnce) await job.start();
        leaseHeld.set(1);
        logger.info('this instance runs the jobs that must run once');
      },
      onLost: async () => {
        leaseHeld.set(0);
        for (const job of [...runOnce].reverse()) {
          await Promise.resolve(job.stop()).catch((error: unknown) =>
            logger.error({ err: error, extension: job.name }, 'stop failed'),
          );
        }
      },
      onError: (error) => logger.error({ err: error }, 'jobs lease'),
    },
  );

  /** The hub's long-lived parts, in the order they start; they stop in the reverse order. */
  const extensions: Extension[] = [
    // Opened and migrated before the rest was built on it; closed last.
    { name: 'records database', start: () => {}, stop: () => db.close() },
    ...(redis
      ? [
          {
            name: 'shared Redis',
            start: () => {},
            stop: () => redis.close(),
          } satisfies Extension,
        ]
      : []),
    // Before anything takes devices or runs a job: a second instance on the database is refused here.
    { name: 'instance registry', start: () => instances.join(), stop: () => instances.leave() },
    {
      // No device is linked to an instance that is starting. On an external broker only the
      // watches' links are the instances' own: the other devices stay connected to the broker, and
      // their retained status is read again (gateway/broker/consumer.ts).
      name: 'devices offline at start',
      start: () =>
        devices.markOfflineAtStart(config.externalBroker ? Object.values(WATCH_DEVICE_TYPES) : undefined),
      stop: () => {},
    },
    ...(relay
      ? [{ name: 'cluster relay', start: () => relay.start(), stop: () => relay.stop() } satisfies Extension]
      : []),
    {
      name: 'sessions',
      start: () => sessions.start((error) => logger.error({ err: error }, 'session sweep failed')),
      stop: () => sessions.stop(),
    },
    { name: 'telemetry store', start: () => telemetry.start(), stop: () => telemetry.stop() },
    { name: 'telemetry writer', start: () => writer.start(), stop: () => writer.stop() },
    // Alert changes and ended sessions reach the sockets from the bus (alert.changed, session.ended).
    // The HTTP API stops it first, with the sockets it holds; stopping it again is a no-op.
    { name: 'live channel', start: () => live.start(), stop: () => live.stop() },
    {
      name: 'event log',
      // The log hears every alert change, every climb of the escalation ladder and every service request.
      start: () => {
        bus.on('alert.changed', LOG_OWNER, ({ change, alert }) =>
          logger.info({ alertId: alert.id, kind: alert.kind, status: alert.status, change }, 'alert'),
        );
        bus.on('request.opened', LOG_OWNER, (request) =>
          logger.info(
            { requestId: request.id, retireeId: request.retireeId },
            'service request from the 求助 key',
          ),
        );
        bus.on('alert.escalated', LOG_OWNER, ({ alert, level, audiences }) =>
          // `level` is pino's own key: the ladder's level is logged as `escalationLevel`.
          logger.warn(
            { alertId: alert.id, kind: alert.kind, escalationLevel: level, audiences },
            'alert escalated: not acknowledged in time',
          ),
        );
      },
      stop: () => bus.removeOwner(LOG_OWNER),
    },
    { name: 'alert workflow', start: () => workflow.start(), stop: () => workflow.stop() },
    { name: 'locations', start: () => locations.start(), stop: () => locations.stop() },
    { name: 'family pages', start: () => families.start(), stop: () => families.stop() },
    { name: 'notifications', start: () => notifications.start(), stop: () => notifications.stop() },
    // Started while this instance holds the jobs' lease, stopped when it loses it.
    { name: 'jobs that run once', start: () => jobsLease.start(), stop: () => jobsLease.stop() },
    { name: 'service requests', start: () => requests.start(), stop: () => requests.stop() },
    { name: 'comfort visits', start: () => comfort.start(), stop: () => comfort.stop() },
    { name: 'device state', start: () => deviceState.start(), stop: () => deviceState.stop() },
    {
      name: 'detector',
      start: async () => {
        // Device state starts from the newest readings on record.
        for (const device of await devices.list()) deviceState.seed(device.id, device.latest);
        detector.start();
      },
      stop: () => detector.stop(),
    },
    // The broker stops it first (see below); stopping it again is a no-op.
    { name: 'security monitor', start: () => securityMonitor.start(), stop: () => securityMonitor.stop() },
    ...(brokerStore
      ? [{ name: 'broker store', start: () => {}, stop: () => brokerStore.destroy() } satisfies Extension]
      : []),
    { name: 'broker log', start: () => {}, stop: () => brokerLog.sweep(true) },
    {
      name: 'broker',
      start: async () => {
        if (consumer) await Promise.all(consumers.map((lane) => lane.start()));
        else await gateway.start();
      },
      stop: async () => {
        // The security monitor stops before the broker: devices dropping because the hub stops are no storm.
        await securityMonitor.stop();
        if (consumer) await Promise.all(consumers.map((lane) => lane.stop()));
        else await gateway.stop();
      },
    },
    // Commands are read before the listeners open: a watch's first link sends what waits for it.
    { name: 'watch commands', start: () => watchCommands.start(), stop: () => watchCommands.stop() },
    { name: 'voice notes', start: () => voiceNotes.start(), stop: () => voiceNotes.stop() },
    { name: 'watch listeners', start: () => watches.start(), stop: () => watches.stop() },
    {
      name: 'Mosquitto accounts',
      start: () => {
        if (!mosquitto) return;
        brokerAccounts = MosquittoAccounts.open(mosquitto, () => {
          reapplyRevocations().catch((error: unknown) =>
            logger.error({ err: error }, 'revocations not applied in Mosquitto'),
          );
          // The account the instances consume with, when they consume from this Mosquitto.
          if (external?.username && external.password) {
            brokerAccounts
              ?.provisionHub(external.username, external.password)
              .catch((error: unknown) =>
                logger.error({ err: error }, "the hub's Mosquitto account not made"),
              );
          }
        });
      },
      stop: () => brokerAccounts?.close(),
    },
    http,
  ];
  return {
    extensions,
    http,
    gateway,
    watches,
    writer,
    telemetry,
    workflow,
    escalation,
    notifications,
    families,
    generatedAdminPassword: admin.generatedPassword,
  };
}

/** What the detector reads of the directory, and its settings (HUB_DETECT_*). */
function detectorOptions(config: HubConfig, directory: Directory): ConstructorParameters<typeof Detector>[1] {
  const detection = config.detection;
  return {
    heartRateLimits: (deviceId) => directory.heartRateLimits(deviceId),
    oxygenLow: (deviceId) => directory.oxygenLow(deviceId),
    profile: (deviceId) => directory.profile(deviceId),
    settings: {
      spo2Low: detection.spo2Low,
      spo2Consecutive: detection.spo2Consecutive,
      batteryLow: detection.batteryLow,
      offlineAfterMs: {
        battery: detection.offlineBatteryMinutes * 60_000,
        mains: detection.offlineMainsMinutes * 60_000,
      },
      offlineGraceMs: detection.offlineGraceSeconds * 1000,
      inactivityAfterMs: detection.inactivityHours * 3_600_000,
      day: detection.day,
      bedExitAfterMs: detection.bedExitMinutes * 60_000,
      night: detection.night,
      utcOffsetMinutes: CENTRE_UTC_OFFSET_MINUTES,
    },
  };
}
