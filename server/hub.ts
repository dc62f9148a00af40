/**
 * The composition root: opens the stores, starts the broker, detection, alert workflow, live
 * channel and HTTP API in order, and stops them in reverse. Tests start a whole hub through here
 * with port 0 and a temporary data folder.
 */
import fs from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import promClient from 'prom-client';
import { EventBus } from '../devices/bus.ts';
import { getDefinition, zigbeeDefinitionByType } from '../devices/index.ts';
import {
  createTelemetryStore,
  Detector,
  LineLimitedLog,
  MqttGateway,
  openBrokerStore,
  type TelemetryStore,
  TelemetryWriter,
  tlsOptions,
} from '../gateway/index.ts';
import { AbroadStays } from './abroad/stays.ts';
import { SuspensionWatch } from './abroad/watch.ts';
import { Escalation } from './alerts/escalation.ts';
import { AlertWorkflow } from './alerts/workflow.ts';
import { buildApp } from './app.ts';
import { AuditLog } from './audit/log.ts';
import { ensureAdmin } from './auth/bootstrap.ts';
import { loginMetrics } from './auth/metrics.ts';
import { Sessions } from './auth/sessions.ts';
import { DEFAULT_THROTTLE, LoginThrottle } from './auth/throttle.ts';
import { Vault } from './auth/vault.ts';
import { CENTRE_UTC_OFFSET_MINUTES } from './calendar.ts';
import type { HubConfig } from './config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { Directory } from './devices/directory.ts';
import { DeviceRevocations } from './devices/revocations.ts';
import { DeviceState } from './devices/state.ts';
import { FamilyService } from './family/service.ts';
import { FamilyStore } from './family/store.ts';
import { LiveChannel } from './live/channel.ts';
import { StationLookup } from './live/stations.ts';
import { NotificationService } from './notify/service.ts';
import { RetentionJob } from './privacy/retention.ts';
import { Privacy } from './privacy/service.ts';
import { RequestListener } from './requests/listener.ts';
import { RequestStore } from './requests/store.ts';
import { AuditLoginFailures } from './security/audit-logins.ts';
import { SecurityMonitor } from './security/monitor.ts';
import { AlertStore } from './store/alerts.ts';
import { DeviceStore } from './store/devices.ts';
import { RetireeStore } from './store/retirees.ts';
import { UserStore } from './store/users.ts';

/** The hub's own listeners on the bus: the log of alert changes and escalations. */
const LOG_OWNER = 'hub-log';

export interface Hub {
  readonly httpPort: number;
  readonly mqttPort: number;
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
 * The HTTP listener: fastify's own server, or with certificate files an HTTPS server that hands
 * each request and upgrade (socket.io, MQTT over WebSocket) to it.
 */
async function listenHttp(
  app: FastifyInstance,
  config: HubConfig,
): Promise<{ port: number; close: () => Promise<void> }> {
  if (!config.tls) {
    await app.listen({ port: config.httpPort, host: config.httpHost });
    return { port: (app.server.address() as AddressInfo).port, close: async () => {} };
  }
  await app.ready();
  const server = https.createServer(tlsOptions(config.tls), (request, response) =>
    app.server.emit('request', request, response),
  );
  server.on('upgrade', (request, socket, head) => app.server.emit('upgrade', request, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.httpHost, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'junxiu-hub' } });
}

export async function startHub(
  config: HubConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<Hub> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
    }
  };
  try {
    await fs.mkdir(config.dataDir, { recursive: true });
    const registry = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: registry });
    const bus = new EventBus((error, event, payload) =>
      logger.error({ err: error, event, payload }, 'bus listener failed'),
    );

    const db = await openDatabase({
      ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
      dataDir: config.dataDir,
    });
    stops.push(() => db.close());
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, 'database migrated');

    const users = new UserStore(db);
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
      await Vault.open(config.secretKey, config.dataDir),
      new LoginThrottle({ ...DEFAULT_THROTTLE, ...config.loginThrottle }),
      loginMetrics(registry),
    );
    sessions.start((error) => logger.error({ err: error }, 'session sweep failed'));
    stops.push(async () => sessions.stop());

    const directory = new Directory(
      bus,
      devices,
      retirees,
      { low: config.hrLowDefault, high: config.hrHighDefault, consecutive: config.hrConsecutive },
      new DeviceRevocations(db),
    );
    await directory.load();
    await devices.markAllOffline();

    const telemetry = createTelemetryStore({
      dataDir: config.dataDir,
      ...(config.influx.url ? { url: config.influx.url } : {}),
      ...(config.influx.token ? { token: config.influx.token } : {}),
      ...(config.influx.org ? { org: config.influx.org } : {}),
      ...(config.influx.bucket ? { bucket: config.influx.bucket } : {}),
    });
    await telemetry.start();
    stops.push(() => telemetry.stop());
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
    await writer.start();
    stops.push(() => writer.stop());

    const notifySettings = config.notify;
    const familyRecords = new FamilyStore(db);
    const stations = new StationLookup(db);
    const live = new LiveChannel(
      bus,
      (token) => sessions.userFor(token),
      async (userId) => (await familyRecords.retireeOf(userId))?.retireeId ?? null,
      {
        liveSessions: (hashes) => sessions.liveSessions(hashes),
        allowedOrigins: config.allowedOrigins,
        stationOf: (retireeId) => stations.of(retireeId),
        readingsEveryMs: config.liveReadingsMs,
      },
    );
    // Alert changes and ended sessions reach the sockets from the bus (alert.changed, session.ended).
    live.start();
    // The log hears every alert change and every climb of the escalation ladder.
    bus.on('alert.changed', LOG_OWNER, ({ change, alert }) =>
      logger.info({ alertId: alert.id, kind: alert.kind, status: alert.status, change }, 'alert'),
    );
    bus.on('alert.escalated', LOG_OWNER, ({ alert, level, audiences }) =>
      // `level` is pino's own key: the ladder's level is logged as `escalationLevel`.
      logger.warn(
        { alertId: alert.id, kind: alert.kind, escalationLevel: level, audiences },
        'alert escalated: not acknowledged in time',
      ),
    );
    stops.push(async () => bus.removeOwner(LOG_OWNER));
    const workflow = new AlertWorkflow(db, bus, directory);
    workflow.start();
    stops.push(() => workflow.stop());

    // 6.11.2.4: families are told (their page live, e-mail and webhooks), each in the background;
    // both listen to the bus.
    const notifications = new NotificationService(db, notifySettings, logger, { registry, bus });
    const families = new FamilyService(
      db,
      bus,
      live,
      { name: notifySettings.centreName, phone: notifySettings.centrePhone },
      (error) => logger.error({ err: error }, 'family push failed'),
    );
    families.start();
    stops.push(async () => families.stop());
    notifications.start();
    stops.push(() => notifications.stop());

    // The supervisor sees the level on the live wall; families and the centre's channels are told.
    const escalation = new Escalation(db, bus, (error) =>
      logger.error({ err: error }, 'escalation pass failed'),
    );
    await escalation.start();
    stops.push(() => escalation.stop());

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
    abroadWatch.start();
    stops.push(() => abroadWatch.stop());

    const requests = new RequestListener(bus, new RequestStore(db), directory);
    requests.onRequest((request) =>
      logger.info(
        { requestId: request.id, retireeId: request.retireeId },
        'service request from the 求助 key',
      ),
    );
    requests.start();
    stops.push(async () => requests.stop());

    const deviceState = new DeviceState(bus, devices, directory, live, (error) =>
      logger.error({ err: error }, 'device state not saved'),
    );
    deviceState.start();
    stops.push(() => deviceState.stop());

    const detection = config.detection;
    const detector = new Detector(bus, {
      heartRateLimits: (deviceId) => directory.heartRateLimits(deviceId),
      oxygenLow: (deviceId) => directory.oxygenLow(deviceId),
      profile: (deviceId) => {
        const identity = directory.lookup(deviceId);
        if (!identity) return undefined;
        const power = getDefinition(identity.type)?.power ?? zigbeeDefinitionByType(identity.type)?.power;
        return { ...identity, power: power ?? 'battery' };
      },
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
    });
    // Silence is measured from the last contact on record, so a restart does not reset it.
    for (const device of await devices.list()) {
      if (device.lastSeenAt) detector.absence.seed(device.id, Date.parse(device.lastSeenAt));
      deviceState.seed(device.id, device.latest);
    }
    detector.start();
    stops.push(async () => detector.stop());

    // Bursts of refused devices, disconnect storms and failed sign-ins raise a security alert.
    const loginFailures = new AuditLoginFailures(db);
    const securityMonitor = new SecurityMonitor({
      bus,
      settings: config.security,
      logins: loginFailures,
      onError: (error) => logger.error({ err: error }, 'security monitor failed'),
      registry,
    });
    await securityMonitor.start();

    // Sessions, queued commands, retained status and wills outlive a restart (HUB_BROKER_STORE).
    const brokerStore =
      config.brokerStore === 'disk'
        ? openBrokerStore(path.join(config.dataDir, 'broker.sqlite'), { registry, log: logger })
        : undefined;
    if (brokerStore) stops.push(() => brokerStore.destroy());
    // What strangers on the network send decides how often the broker logs: bounded per message.
    const brokerLog = new LineLimitedLog(logger, registry);
    stops.push(async () => brokerLog.sweep(true));
    const gateway = new MqttGateway({
      bus,
      directory,
      writer,
      log: brokerLog,
      registry,
      tcp: config.plaintext ? { host: config.mqttHost, port: config.mqttPort } : null,
      tls: config.tls ? { ...config.tls, host: config.mqttHost, port: config.mqttTlsPort } : null,
      limits: config.mqttLimits,
      ...(brokerStore ? { persistence: brokerStore } : {}),
    });
    await gateway.start();
    stops.push(() => gateway.stop());
    // Stopped before the broker: devices dropping because the hub stops are no storm.
    stops.push(() => securityMonitor.stop());

    // PIPL art. 45, 47: a person's data exported or deleted across every store; retention on a schedule.
    const privacyPorts = {
      db,
      telemetry,
      writer,
      broker: gateway,
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
    retention.start();
    stops.push(() => retention.stop());
    const privacy = new Privacy(privacyPorts, retention);
    gateway.refusals.onRefusal((refusal) =>
      securityMonitor.record({
        kind: 'mqtt_auth_failure',
        at: refusal.at,
        address: refusal.address,
        subject: refusal.deviceId ?? refusal.clientId,
        reason: refusal.reason,
      }),
    );

    const app = await buildApp(
      {
        db,
        sessions,
        retirees,
        users,
        devices,
        alerts,
        workflow,
        escalation,
        directory,
        deviceState,
        telemetry,
        families,
        notifications,
        registry,
        sessionHours: config.sessionHours,
        centre: { name: notifySettings.centreName, phone: notifySettings.centrePhone },
        cardFont: config.cardFont,
        maxAttachmentBytes: config.archiveMaxAttachmentBytes,
        dataDir: config.dataDir,
        abroadWatch,
        privacy,
        security: {
          monitor: securityMonitor,
          settings: config.security,
          logins: loginFailures,
          refusals: () => gateway.refusals.recent(),
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
        allowedOrigins: config.allowedOrigins,
        systemAccess: config.systemAccess,
      },
      logger,
    );
    live.attach(app.server);
    gateway.attachWebSocket(app.server, '/mqtt');
    stops.push(async () => {
      await live.stop();
      await app.close();
    });
    const listener = await listenHttp(app, config);
    stops.push(listener.close);
    const httpPort = listener.port;
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

    let stopped: Promise<void> | undefined;
    return {
      httpPort,
      mqttPort: gateway.tcpPort,
      url,
      db,
      bus,
      app,
      telemetry,
      writer,
      workflow,
      escalation,
      notifications,
      families,
      generatedAdminPassword: admin.generatedPassword,
      stop: () => {
        stopped ??= stopAll();
        return stopped;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
