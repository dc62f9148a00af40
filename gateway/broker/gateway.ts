/**
 * The hub's embedded MQTT broker: aedes on TCP, TLS and WebSocket (`/mqtt` on the HTTP server),
 * with per-device authentication (connect-check.ts) and topic ACL (access.ts); each device message
 * goes to device-messages.ts, which decodes it and hands it on. Every connection passes the
 * broker's limits first (limits.ts, packet-guard.ts, failed-connects.ts).
 *
 * Past 500 lines on purpose: aedes calls the hub back through one broker's hooks (preConnect,
 * authenticate, authorizePublish, authorizeSubscribe, published, client events), and these hooks
 * share the per-connection facts kept here (how it connected, whether it already failed). The rules
 * they apply live beside it (access.ts, connect-check.ts, limits.ts).
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import type { Counter, Gauge, Registry } from 'prom-client';
import promClient from 'prom-client';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { EventBus } from '../../devices/bus.ts';
import { deviceTopic, type RevocationCause } from '../../devices/contract.ts';
import { BRIDGE_TYPE, type ZigbeeOptions } from '../../devices/index.ts';
import type { TelemetryWriter } from '../ingest/writer.ts';
import { listen } from '../listen.ts';
import { countersIn, type Logger } from '../observe.ts';
import type { TallyStore } from '../tallies.ts';
import { type BridgedDevice, baseTopicOf } from '../zigbee/bridges.ts';
import { canPublish, canSubscribe } from './access.ts';
import { ConnectCheck, isSysTopic, SERVER_UNAVAILABLE, SYS_PREFIX } from './connect-check.ts';
import { DeviceMessages } from './device-messages.ts';
import { type BrokerLimits, DEFAULT_BROKER_LIMITS, refusalOf } from './limits.ts';
import { GuardedConnection } from './packet-guard.ts';
import { BoundedMemoryStore, DEFAULT_MAX_INCOMING_PER_CLIENT } from './persistence/index.ts';
import { createTlsServer, type TlsListener } from './tls.ts';

export type { Logger };

export interface DeviceIdentity {
  type: string;
  retireeId: string | null;
  /** Zigbee sensors: the bridge they speak through. */
  bridgeId?: string | null;
  /** Per-device options: a bridge's base topic, an HS1EB's SOS press. */
  options?: ZigbeeOptions;
}

/**
 * How the gateway learns about devices; the server implements it over its records and announces
 * revocations on the bus (`device.revoked`).
 */
export interface DeviceDirectory {
  authenticate(deviceId: string, secret: string): Promise<DeviceIdentity | null>;
  lookup(deviceId: string): DeviceIdentity | undefined;
  /** The Zigbee sensors bound to a bridge. */
  bridged(bridgeId: string): BridgedDevice[];
  /** True for a device that was revoked: its CONNECT is refused as not authorized (0x05). */
  isRevoked?(deviceId: string): boolean;
  /** The Zigbee2MQTT bridges on record. */
  bridges?(): { deviceId: string }[];
  /** Reads a device again from the records (registered on another instance since it was loaded). */
  refreshDevice?(deviceId: string): Promise<void>;
}

export type { RevocationCause };

export interface GatewayOptions {
  bus: EventBus;
  directory: DeviceDirectory;
  writer: TelemetryWriter;
  log: Logger;
  registry: Registry;
  /** Plaintext MQTT; null when only TLS (and WebSocket) are served. */
  tcp: { host: string; port: number } | null;
  tls?: TlsListener | null;
  limits?: Partial<BrokerLimits>;
  clock?: () => number;
  /** How many recent refused connections are remembered for the security page. */
  refusalCapacity?: number;
  /** Where failed CONNECTs are tallied: Redis, shared by the hub's instances; memory when absent. */
  tallies?: TallyStore | undefined;
  /**
   * Where the broker keeps sessions, queued QoS 1 messages, retained messages and wills; aedes'
   * in-memory store when absent.
   */
  persistence?: AedesPersistence;
}

/** An aedes persistence (aedes-persistence's interface; aedes types the option loosely). */
export type AedesPersistence = NonNullable<Parameters<typeof Aedes.createBroker>[0]>['persistence'];

/** What the CONNECT packet said, kept for `authenticate`, which aedes hands only the client. */
interface ConnectFacts {
  emptyClientId: boolean;
  clean: boolean;
  will: ConnectPacket['will'] | undefined;
}

/** A will or a queued delivery aedes keeps on the client object (not in its types). */
interface ClientInternals {
  will: unknown;
}

const OWNER = 'mqtt-gateway';

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** The part of aedes-persistence that hands out retained messages (aedes types it as `any`). */
interface RetainedStore {
  createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer }>;
}

/** The part of aedes-persistence a revocation uses (aedes types it as `any`). */
interface SessionStore {
  outgoingStream(client: { id: string }): AsyncIterable<unknown>;
  outgoingClearMessageId(client: { id: string }, packet: { messageId?: number }): Promise<unknown>;
  cleanSubscriptions(client: { id: string }): Promise<unknown>;
  delWill(client: { id: string; brokerId: string }): Promise<unknown>;
  cleanIncoming?(client: { id: string }): Promise<unknown>;
}

export class MqttGateway {
  private broker: Aedes | undefined;
  private tcpServer: net.Server | undefined;
  private tlsServer: tls.Server | undefined;
  private readonly connections = new Set<GuardedConnection>();
  private readonly connectFacts = new WeakMap<Client, ConnectFacts>();
  /** Errors raised by the MQTT parser of a connection: a malformed packet, counted as such. */
  private readonly malformed = new WeakSet<Error>();
  /** The errors `authenticate` answers a refused CONNECT with; aedes reports each again. */
  private readonly refusedConnects = new WeakSet<Error>();
  /** Clients whose closing error was counted and logged (see firstError). */
  private readonly erroredClients = new WeakSet<Client>();
  private readonly limits: BrokerLimits;
  /** Decides each CONNECT, and keeps recent refusals for the security page (`connects.refusals`). */
  readonly connects: ConnectCheck;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly webSocketServer = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  private readonly upgradeHandlers: {
    server: HttpServer;
    handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  }[] = [];
  private readonly clock: () => number;
  /** What is done with each device message (decoded, handed on, events waited for). */
  readonly messages: DeviceMessages;
  private readonly metrics: {
    authFailures: Counter<'reason'>;
    denied: Counter<'action'>;
    closed: Counter<'reason'>;
    revoked: Counter;
    clients: Gauge;
    connections: Gauge;
  };

  constructor(private readonly options: GatewayOptions) {
    this.clock = options.clock ?? Date.now;
    this.limits = {
      ...DEFAULT_BROKER_LIMITS,
      ...options.limits,
      failedConnects: { ...DEFAULT_BROKER_LIMITS.failedConnects, ...options.limits?.failedConnects },
    };
    this.connects = new ConnectCheck({
      directory: options.directory,
      bus: options.bus,
      log: options.log,
      failedConnects: this.limits.failedConnects,
      refusalCapacity: options.refusalCapacity,
      clock: this.clock,
      tallies: options.tallies,
    });
    const registers = [options.registry];
    const counter = countersIn(options.registry);
    const gateway = this;
    this.metrics = {
      authFailures: counter('hub_mqtt_auth_failures_total', 'MQTT connections refused', 'reason'),
      denied: counter(
        'hub_mqtt_acl_denied_total',
        'Publishes and subscriptions refused by the topic ACL',
        'action',
      ),
      closed: counter(
        'hub_mqtt_connections_closed_total',
        'MQTT connections closed by the broker limits (packet size, timeouts, connection cap, topic depth) and protocol checks (malformed packets, MQTT 5 flow control)',
        'reason',
      ),
      revoked: counter(
        'hub_mqtt_sessions_revoked_total',
        'Device sessions ended because the device was revoked',
      ),
      // Counted from the connections when scraped, not from aedes' client events: aedes keys its
      // clients by id, so a client that drops between authentication and registration, or while
      // it takes over an older session of its id, is registered (and announced) after it is gone.
      clients: new promClient.Gauge({
        name: 'hub_mqtt_clients',
        help: 'Connected MQTT clients (CONNECT accepted, connection open)',
        registers,
        collect() {
          this.set(gateway.liveClients().length);
        },
      }),
      connections: new promClient.Gauge({
        name: 'hub_mqtt_connections',
        help: 'Open MQTT connections (TCP, TLS and WebSocket), authenticated or not',
        registers,
      }),
    };
    this.messages = new DeviceMessages({
      bus: options.bus,
      directory: options.directory,
      writer: options.writer,
      log: options.log,
      registry: options.registry,
      clock: this.clock,
    });
  }

  /**
   * A bridge publishes its device list (with each sensor's exposes) retained, when it starts or its
   * network changes: the list the broker kept is read at start, so a restarted hub reads every
   * sensor by its exposes and lists the network before the bridge speaks again.
   */
  private async relearnBridges(broker: Aedes): Promise<void> {
    const persistence = (broker as unknown as { persistence: RetainedStore }).persistence;
    for (const { deviceId } of this.options.directory.bridges?.() ?? []) {
      const identity = this.options.directory.lookup(deviceId);
      if (!identity) continue;
      const topic = `${baseTopicOf(identity.options)}/bridge/devices`;
      try {
        for await (const packet of persistence.createRetainedStream(topic)) {
          await this.messages.zigbee.receive(deviceId, identity.options, packet.topic, packet.payload);
        }
      } catch (error) {
        this.options.log.error({ deviceId, err: error }, 'retained zigbee device list not read');
      }
    }
  }

  get tcpPort(): number {
    const address = this.tcpServer?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** The clients with a connection open here that completed their CONNECT. */
  connectedDevices(): string[] {
    return [...new Set(this.liveClients().map((client) => client.id))];
  }

  get tlsPort(): number {
    const address = this.tlsServer?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker({
      id: 'junxiu-hub',
      // Both stores bound the unfinished incoming QoS 2 exchanges per session, as aedes does per connection.
      persistence: this.options.persistence ?? new BoundedMemoryStore(),
      maxInflightInbound: DEFAULT_MAX_INCOMING_PER_CLIENT,
      // [MQTT-3.1.3-5] allows up to 23 bytes; brokers may accept more. Device ids are at most 64.
      maxClientsIdLength: 64,
      maxTopicLevels: this.limits.maxTopicLevels,
      connectTimeout: this.limits.connectTimeoutMs,
      // A client that stops reading is dropped after this long, so writes to it never stall others.
      drainTimeout: this.limits.drainTimeoutMs,
      preConnect: (client, packet, callback) => {
        this.connectFacts.set(client, {
          emptyClientId: !packet.clientId,
          clean: packet.clean !== false,
          will: packet.will,
        });
        callback(null, true);
      },
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          (error) => done(error, error === null),
          (error: unknown) => {
            this.options.log.error({ err: error }, 'device authentication failed');
            done(authError('server unavailable', SERVER_UNAVAILABLE), false);
          },
        );
      },
      authorizePublish: (client, packet, callback) => {
        if (!client) return callback(null);
        const identity = this.options.directory.lookup(client.id);
        // aedes' own $SYS refusal lives in its default authorizePublish, which this one replaces.
        if (isSysTopic(packet.topic)) {
          this.metrics.denied.inc({ action: 'sys' });
          this.options.log.warn({ deviceId: client.id, topic: packet.topic }, 'publish to $SYS refused');
          return callback(new Error(`${SYS_PREFIX}/ topics are reserved to the broker`));
        }
        // A device revoked while connected publishes nothing more.
        if (!identity) {
          this.metrics.denied.inc({ action: 'publish' });
          return callback(new Error('unknown or revoked device'));
        }
        // Also the will, when aedes publishes it after a dropped connection.
        const decision = canPublish(client.id, packet.topic, packet.retain, identity);
        if (!decision.allow) {
          this.metrics.denied.inc({ action: 'publish' });
          this.options.log.warn(
            { deviceId: client.id, topic: packet.topic, reason: decision.reason },
            'publish refused',
          );
          return callback(new Error(decision.reason));
        }
        packet.retain = decision.retain;
        // An event is acknowledged only once it is handled (see beforeAck).
        const handled = this.messages.beforeAck(client.id, identity, packet);
        if (!handled) return callback(null);
        this.messages.settleWithin(
          client.id,
          packet.topic,
          handled,
          this.limits.eventCommitTimeoutMs,
          callback,
        );
      },
      authorizeSubscribe: (client, subscription, callback) => {
        if (canSubscribe(client.id, subscription.topic, this.options.directory.lookup(client.id))) {
          return callback(null, subscription);
        }
        this.metrics.denied.inc({ action: 'subscribe' });
        this.options.log.warn({ deviceId: client.id, topic: subscription.topic }, 'subscription refused');
        // A null subscription answers SUBACK 0x80 (failure) for this topic only [MQTT-3.9.3-2].
        callback(null, null);
      },
    });
    this.broker = broker;
    broker.on('publish', (packet, client) => {
      if (client) this.messages.receive(client.id, this.options.directory.lookup(client.id), packet);
    });
    await this.relearnBridges(broker);
    broker.on('client', (client) => {
      // A client that dropped before aedes registered it is announced all the same: it is not online.
      if (client.closed) return;
      this.options.bus.emit('device.status', {
        deviceId: client.id,
        online: true,
        ts: this.clock(),
        source: 'connection',
      });
    });
    broker.on('clientDisconnect', (client) => {
      // A device that reconnected has already replaced this session; it is not offline.
      if (this.liveClients(client.id).some((other) => other !== client)) return;
      this.options.bus.emit('device.status', {
        deviceId: client.id,
        online: false,
        ts: this.clock(),
        source: 'connection',
      });
      if (this.options.directory.lookup(client.id)?.type === BRIDGE_TYPE)
        this.messages.zigbee.bridgeLost(client.id, 'connection');
    });
    broker.on('clientError', (client, error) => {
      // A refused CONNECT was logged, counted and remembered where it was refused.
      if (this.refusedConnects.has(error) || !this.firstError(client)) return;
      this.countClosed(error);
      this.options.log.warn({ deviceId: client.id, err: error.message }, 'mqtt client error');
    });
    broker.on('connectionError', (client, error) => {
      if (client && !this.firstError(client)) return;
      this.countClosed(error);
      this.options.log.warn({ deviceId: client?.id, err: error.message }, 'mqtt connection error');
    });
    // A device revoked (removed, or its secret replaced) in the records: its session closes at once,
    // and one revoked for good has its retained status replaced by an offline one that says so.
    this.options.bus.on('device.revoked', OWNER, ({ deviceId, cause }) => {
      this.revoke(deviceId, cause).catch((error: unknown) =>
        this.options.log.error({ deviceId, err: error }, 'revoked device not fully dropped'),
      );
    });
    this.pruneTimer = setInterval(() => this.connects.prune(), 60_000);
    this.pruneTimer.unref();

    this.options.bus.on('device.command', OWNER, ({ deviceId, command }) =>
      this.sendCommand(deviceId, command),
    );

    const tcp = this.options.tcp;
    if (tcp) {
      // Acknowledgements and commands go out at once, not held behind the device's delayed ACK.
      const server = net.createServer({ noDelay: true }, (socket) =>
        this.accept(socket, socket.remoteAddress),
      );
      this.tcpServer = server;
      await listen(server, tcp.port, tcp.host);
      this.options.log.info({ port: this.tcpPort, host: tcp.host }, 'mqtt broker listening on tcp');
    }
    const secure = this.options.tls;
    if (secure) {
      const server = createTlsServer(
        secure,
        (socket) => this.accept(socket, socket.remoteAddress),
        (error, socket) => {
          this.metrics.closed.inc({ reason: 'tls_handshake' });
          this.options.log.warn(
            { address: socket.remoteAddress, err: error.message },
            'mqtt tls handshake failed',
          );
        },
      );
      this.tlsServer = server;
      await listen(server, secure.port, secure.host);
      this.options.log.info({ port: this.tlsPort, host: secure.host }, 'mqtt broker listening on tls');
    }
  }

  /**
   * Every connection, whatever its transport, enters here: over the connection cap it is closed at
   * once; otherwise aedes reads it through the packet-size guard.
   */
  private accept(stream: Duplex, remoteAddress: string | undefined, request?: IncomingMessage): void {
    const broker = this.broker;
    if (!broker) {
      stream.destroy();
      return;
    }
    if (this.connections.size >= this.limits.maxConnections) {
      this.metrics.closed.inc({ reason: 'connection_cap' });
      this.options.log.warn({ address: remoteAddress }, 'mqtt connection refused: connection cap reached');
      stream.on('error', () => {});
      stream.destroy();
      return;
    }
    const connection = new GuardedConnection(stream, {
      maxPacketBytes: this.limits.maxPacketBytes,
      // An MQTT 5 device is told aedes' window of unfinished incoming QoS 2 exchanges (mqtt5.ts).
      receiveMaximum: DEFAULT_MAX_INCOMING_PER_CLIENT,
      remoteAddress,
      onRefused: (reason, detail) => {
        this.metrics.closed.inc({ reason });
        this.options.log.warn(
          { address: remoteAddress, deviceId: (connection as { client?: Client }).client?.id, detail },
          'mqtt connection closed: packet refused',
        );
      },
    });
    this.connections.add(connection);
    this.metrics.connections.set(this.connections.size);
    connection.once('close', () => {
      this.connections.delete(connection);
      this.metrics.connections.set(this.connections.size);
    });
    const client = broker.handle(connection, request) as unknown as {
      _parser?: { prependListener(event: 'error', listener: (error: Error) => void): unknown };
    };
    // mqtt-packet's errors carry no code; they are marked before aedes reports them (countClosed).
    client._parser?.prependListener('error', (error: Error) => this.malformed.add(error));
  }

  /**
   * The aedes clients of the open connections that have completed their CONNECT (of one device
   * when `deviceId` is given; with `connecting`, those still completing it too). Read from the
   * connections, since aedes' own map by id can name a client that is gone.
   */
  private liveClients(deviceId?: string, connecting = false): Client[] {
    const found: Client[] = [];
    for (const connection of this.connections) {
      const client = (connection as { client?: Client & { connecting?: boolean } }).client;
      if (!client || client.closed || !(client.connected || (connecting && client.connecting))) continue;
      if (deviceId === undefined || client.id === deviceId) found.push(client);
    }
    return found;
  }

  /**
   * True for the first error aedes reports of a client: the one that closes it. Each packet still
   * in flight on that connection then fails too ("connection closed", or the same limit again for
   * the rest of a burst): one closing is counted and logged once.
   */
  private firstError(client: Client): boolean {
    if (this.erroredClients.has(client)) return false;
    this.erroredClients.add(client);
    return true;
  }

  /** aedes reports its own limits as client errors; they are counted with the guard's. */
  private countClosed(error: Error): void {
    const reason = this.malformed.has(error) ? 'malformed_packet' : refusalOf(error.message);
    if (reason) this.metrics.closed.inc({ reason });
  }

  /**
   * Ends a revoked device's session at once and drops what the broker keeps for it: queued
   * commands, subscriptions, its will and unfinished QoS 2 exchanges. The directory already
   * refuses its secret, so it cannot come back.
   */
  async revoke(deviceId: string, cause: RevocationCause = 'revoked'): Promise<void> {
    const broker = this.broker;
    if (!broker) return;
    // Whoever reads the retained status learns the device is gone, not merely offline. Retained
    // before anything is awaited, so a deletion that clears retained messages next clears it too.
    const retained = cause === 'revoked' ? this.retainRevokedStatus(deviceId) : Promise.resolve();
    // Every open connection of the device, not only the one aedes has under its id.
    const open = this.liveClients(deviceId, true);
    for (const client of open) {
      // Its will would otherwise report it offline as if it had merely dropped.
      (client as unknown as ClientInternals).will = null;
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
    this.messages.forget(deviceId);
    const persistence = (broker as unknown as { persistence: SessionStore }).persistence;
    const session = { id: deviceId };
    const queued: { messageId?: number }[] = [];
    for await (const packet of persistence.outgoingStream(session))
      queued.push(packet as { messageId?: number });
    for (const packet of queued) await persistence.outgoingClearMessageId(session, packet);
    await persistence.cleanSubscriptions(session);
    await persistence.delWill({ id: deviceId, brokerId: broker.id });
    await persistence.cleanIncoming?.(session);
    await retained;
    this.metrics.revoked.inc();
    this.options.log.warn(
      { deviceId, cause, connected: open.length > 0, dropped: queued.length },
      'device revoked: session closed, queued messages dropped',
    );
  }

  private retainRevokedStatus(deviceId: string): Promise<void> {
    const broker = this.broker;
    if (!broker) return Promise.resolve();
    return new Promise<void>((resolve) => {
      broker.publish(
        {
          cmd: 'publish',
          topic: deviceTopic(deviceId, 'status'),
          payload: Buffer.from(JSON.stringify({ online: false, revoked: true })),
          qos: 1,
          retain: true,
          dup: false,
        },
        (error) => {
          if (error) this.options.log.error({ deviceId, err: error.message }, 'revoked status not retained');
          resolve();
        },
      );
    });
  }

  /**
   * Clears the retained messages under the given topic filters (a deleted person's device status):
   * each is replaced by an empty retained publish, which removes it from the broker's store and
   * tells current subscribers [MQTT-3.3.1-10, MQTT-3.3.1-11]. Resolves with the topics cleared.
   */
  async clearRetained(filters: string[]): Promise<string[]> {
    const broker = this.broker;
    if (!broker || filters.length === 0) return [];
    const persistence = (
      broker as unknown as {
        persistence: { createRetainedStreamCombi(filters: string[]): AsyncIterable<unknown> };
      }
    ).persistence;
    const topics = new Set<string>();
    for await (const packet of persistence.createRetainedStreamCombi(filters)) {
      topics.add((packet as { topic: string }).topic);
    }
    for (const topic of topics) {
      await new Promise<void>((resolve, reject) =>
        broker.publish(
          { cmd: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: true, dup: false },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    }
    return [...topics];
  }

  /** Serves MQTT over WebSocket on `path` of an HTTP server. */
  attachWebSocket(server: HttpServer, path = '/mqtt'): void {
    this.webSocketServer.on('connection', (socket, request) => {
      const stream = createWebSocketStream(socket);
      stream.on('error', () => socket.terminate());
      this.accept(stream, request.socket.remoteAddress, request);
    });
    const handler = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== path) return;
      this.webSocketServer.handleUpgrade(request, socket, head, (ws) => {
        this.webSocketServer.emit('connection', ws, request);
      });
    };
    server.on('upgrade', handler);
    this.upgradeHandlers.push({ server, handler });
  }

  async stop(): Promise<void> {
    this.options.bus.removeOwner(OWNER);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const { server, handler } of this.upgradeHandlers) server.off('upgrade', handler);
    // No new connection from here on; the open ones end with the broker.
    const listenersClosed = [this.tcpServer, this.tlsServer].map((server) =>
      server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve(),
    );
    for (const client of this.webSocketServer.clients) client.terminate();
    this.webSocketServer.close();
    const broker = this.broker;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    // Connections that never finished their CONNECT are not the broker's clients yet.
    for (const connection of this.connections) connection.destroy();
    await Promise.all(listenersClosed);
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthenticateError | null> {
    const connection = client.conn instanceof GuardedConnection ? client.conn : undefined;
    const decision = await this.connects.decide({
      clientId: client.id,
      username,
      password,
      address: connection?.remoteAddress,
      packet: this.connectFacts.get(client),
    });
    if (!decision.allow) {
      this.metrics.authFailures.inc({ reason: decision.reason });
      if (decision.reason === 'will') this.metrics.denied.inc({ action: 'will' });
      return this.refusedConnect(authError(decision.message, decision.returnCode));
    }
    // A Zigbee2MQTT bridge publishes its whole device list in one message.
    if (connection && decision.identity.type === BRIDGE_TYPE)
      connection.maxPacketBytes = this.limits.maxBridgePacketBytes;
    return null;
  }

  private refusedConnect(error: AuthenticateError): AuthenticateError {
    this.refusedConnects.add(error);
    return error;
  }

  private sendCommand(deviceId: string, command: unknown): void {
    this.broker?.publish(
      {
        cmd: 'publish',
        topic: deviceTopic(deviceId, 'cmd'),
        payload: Buffer.from(JSON.stringify(command)),
        qos: 1,
        retain: false,
        dup: false,
      },
      (error) => {
        if (error) this.options.log.error({ deviceId, err: error.message }, 'command not sent');
      },
    );
  }
}
