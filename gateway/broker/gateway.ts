/**
 * The MQTT side of the hub: an aedes broker on TCP and on WebSocket (`/mqtt` on the HTTP server),
 * per-device authentication and topic ACL, decoding with devices/ definitions, and hand-off of
 * readings to the telemetry writer and of readings, events and status to the bus.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from 'aedes';
import type { Counter, Gauge, Registry } from 'prom-client';
import promClient from 'prom-client';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { EventBus } from '../../devices/bus.ts';
import { deviceTopic, parseDeviceTopic } from '../../devices/contract.ts';
import { BRIDGE_TYPE, decodeDeviceMessage, getDefinition, type ZigbeeOptions } from '../../devices/index.ts';
import type { TelemetryWriter } from '../ingest/writer.ts';
import { type BridgedDevice, ZigbeeBridges } from '../zigbee/bridges.ts';
import { canConnect, canPublish, canSubscribe } from './access.ts';

export interface DeviceIdentity {
  type: string;
  retireeId: string | null;
  /** Zigbee sensors: the bridge they speak through. */
  bridgeId?: string | null;
  /** Per-device options: a bridge's base topic, an HS1EB's SOS press. */
  options?: ZigbeeOptions;
}

/** How the gateway learns about devices; the server implements it over its records. */
export interface DeviceDirectory {
  authenticate(deviceId: string, secret: string): Promise<DeviceIdentity | null>;
  lookup(deviceId: string): DeviceIdentity | undefined;
  /** The Zigbee sensors bound to a bridge. */
  bridged(bridgeId: string): BridgedDevice[];
}

export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface GatewayOptions {
  bus: EventBus;
  directory: DeviceDirectory;
  writer: TelemetryWriter;
  log: Logger;
  registry: Registry;
  tcp: { host: string; port: number };
  clock?: () => number;
}

const OWNER = 'mqtt-gateway';
// [MQTT-3.1.3-5] allows up to 23 bytes; brokers may accept more. Device ids are at most 64.
const NOT_AUTHORIZED = 5;
const BAD_USERNAME_OR_PASSWORD = 4;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export class MqttGateway {
  private broker: Aedes | undefined;
  private tcpServer: net.Server | undefined;
  private readonly webSocketServer = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  private readonly upgradeHandlers: {
    server: HttpServer;
    handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  }[] = [];
  private readonly clock: () => number;
  private readonly zigbee: ZigbeeBridges;
  private readonly metrics: {
    messages: Counter<'channel'>;
    rejected: Counter<'reason'>;
    authFailures: Counter<'reason'>;
    denied: Counter<'action'>;
    clients: Gauge;
  };

  constructor(private readonly options: GatewayOptions) {
    this.clock = options.clock ?? Date.now;
    const registers = [options.registry];
    this.metrics = {
      messages: new promClient.Counter({
        name: 'hub_mqtt_messages_total',
        help: 'Device messages accepted, by channel',
        labelNames: ['channel'],
        registers,
      }),
      rejected: new promClient.Counter({
        name: 'hub_mqtt_messages_rejected_total',
        help: 'Device messages rejected, by reason',
        labelNames: ['reason'],
        registers,
      }),
      authFailures: new promClient.Counter({
        name: 'hub_mqtt_auth_failures_total',
        help: 'MQTT connections refused',
        labelNames: ['reason'],
        registers,
      }),
      denied: new promClient.Counter({
        name: 'hub_mqtt_acl_denied_total',
        help: 'Publishes and subscriptions refused by the topic ACL',
        labelNames: ['action'],
        registers,
      }),
      clients: new promClient.Gauge({ name: 'hub_mqtt_clients', help: 'Connected MQTT clients', registers }),
    };
    this.zigbee = new ZigbeeBridges({
      bus: options.bus,
      writer: options.writer,
      log: options.log,
      registry: options.registry,
      bridged: (bridgeId) => options.directory.bridged(bridgeId),
      reject: (deviceId, topic, reason) => this.reject(deviceId, topic, reason),
      clock: this.clock,
    });
  }

  get tcpPort(): number {
    const address = this.tcpServer?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker({
      id: 'junxiu-hub',
      maxClientsIdLength: 64,
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          (error) => done(error, error === null),
          (error: unknown) => {
            this.options.log.error({ err: error }, 'device authentication failed');
            done(authError('server unavailable', 3), false);
          },
        );
      },
      authorizePublish: (client, packet, callback) => {
        if (!client) return callback(null);
        const decision = canPublish(
          client.id,
          packet.topic,
          packet.retain,
          this.options.directory.lookup(client.id),
        );
        if (!decision.allow) {
          this.metrics.denied.inc({ action: 'publish' });
          this.options.log.warn({ deviceId: client.id, topic: packet.topic }, decision.reason);
          return callback(new Error(decision.reason));
        }
        packet.retain = decision.retain;
        callback(null);
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
      if (client) this.receive(packet, client);
    });
    broker.on('client', (client) => {
      this.metrics.clients.inc();
      this.options.bus.emit('device.status', { deviceId: client.id, online: true, ts: this.clock() });
    });
    broker.on('clientDisconnect', (client) => {
      this.metrics.clients.dec();
      // A device that reconnected has already replaced this session; it is not offline.
      const current = (broker as unknown as { clients: Record<string, Client> }).clients[client.id];
      if (current && current !== client) return;
      this.options.bus.emit('device.status', { deviceId: client.id, online: false, ts: this.clock() });
      if (this.options.directory.lookup(client.id)?.type === BRIDGE_TYPE) this.zigbee.bridgeLost(client.id);
    });
    broker.on('clientError', (client, error) => {
      this.options.log.warn({ deviceId: client.id, err: error.message }, 'mqtt client error');
    });
    broker.on('connectionError', (client, error) => {
      this.options.log.warn({ deviceId: client?.id, err: error.message }, 'mqtt connection error');
    });

    this.options.bus.on('device.command', OWNER, ({ deviceId, command }) =>
      this.sendCommand(deviceId, command),
    );

    this.tcpServer = net.createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      this.tcpServer?.once('error', reject);
      this.tcpServer?.listen(this.options.tcp.port, this.options.tcp.host, () => resolve());
    });
    this.options.log.info(
      { port: this.tcpPort, host: this.options.tcp.host },
      'mqtt broker listening on tcp',
    );
  }

  /** Serves MQTT over WebSocket on `path` of an HTTP server. */
  attachWebSocket(server: HttpServer, path = '/mqtt'): void {
    this.webSocketServer.on('connection', (socket, request) => {
      const stream = createWebSocketStream(socket);
      stream.on('error', () => socket.terminate());
      this.broker?.handle(stream, request);
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
    for (const { server, handler } of this.upgradeHandlers) server.off('upgrade', handler);
    for (const client of this.webSocketServer.clients) client.terminate();
    this.webSocketServer.close();
    const broker = this.broker;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    const tcp = this.tcpServer;
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthenticateError | null> {
    const refusal = canConnect(client.id, username);
    if (refusal || !username) {
      this.metrics.authFailures.inc({ reason: 'identity' });
      this.options.log.warn({ clientId: client.id }, `mqtt connection refused: ${refusal}`);
      return authError(refusal ?? 'refused', NOT_AUTHORIZED);
    }
    if (!password || password.length === 0) {
      this.metrics.authFailures.inc({ reason: 'no_secret' });
      return authError('missing secret', NOT_AUTHORIZED);
    }
    const identity = await this.options.directory.authenticate(username, password.toString('utf8'));
    if (!identity) {
      this.metrics.authFailures.inc({ reason: 'bad_secret' });
      this.options.log.warn(
        { deviceId: username },
        'mqtt connection refused: unknown device or wrong secret',
      );
      return authError('unknown device or wrong secret', BAD_USERNAME_OR_PASSWORD);
    }
    return null;
  }

  private reject(deviceId: string, topic: string, reason: string): void {
    const code = reason.split(':')[0] ?? reason;
    this.metrics.rejected.inc({ reason: code });
    this.options.log.warn({ deviceId, topic, reason }, 'device message rejected');
    this.options.bus.emit('message.rejected', { deviceId, topic, reason });
  }

  private receive(packet: AedesPublishPacket, client: Client): void {
    const deviceId = client.id;
    const identity = this.options.directory.lookup(deviceId);
    if (identity?.type === BRIDGE_TYPE) {
      this.zigbee.receive(deviceId, identity.options, packet.topic, packet.payload);
      return;
    }
    const parsed = parseDeviceTopic(packet.topic);
    if (!parsed || parsed.channel === 'cmd') return;
    const definition = identity ? getDefinition(identity.type) : undefined;
    if (!identity || !definition) {
      this.reject(deviceId, packet.topic, `unknown_type: ${identity?.type ?? 'unregistered device'}`);
      return;
    }
    const receivedAt = this.clock();
    const decoded = decodeDeviceMessage(definition, parsed.channel, packet.payload, receivedAt);
    if (!decoded.ok) {
      this.reject(deviceId, packet.topic, decoded.reason);
      return;
    }
    this.metrics.messages.inc({ channel: parsed.channel });
    const message = decoded.value;
    if (message.channel === 'telemetry') {
      this.options.writer.add({
        deviceId,
        deviceType: identity.type,
        ...(identity.retireeId ? { retireeId: identity.retireeId } : {}),
        ts: message.ts,
        fields: message.readings as Record<string, number | boolean>,
      });
      this.options.bus.emit('device.telemetry', {
        deviceId,
        deviceType: identity.type,
        ts: message.ts,
        readings: message.readings,
      });
    } else if (message.channel === 'event') {
      this.options.bus.emit('device.event', { deviceId, deviceType: identity.type, event: message.event });
    } else {
      this.options.bus.emit('device.status', {
        deviceId,
        online: message.status.online,
        ts: receivedAt,
        ...(message.status.battery !== undefined ? { battery: message.status.battery } : {}),
        ...(message.status.fw !== undefined ? { fw: message.status.fw } : {}),
      });
    }
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
