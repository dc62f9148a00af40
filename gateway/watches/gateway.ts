/**
 * The TCP side of the watches and pendants that speak a maker's protocol (devices/watches/): one
 * listener per protocol, each on its own port, since the first bytes of a connection do not say
 * reliably which protocol it speaks. Per connection: the protocol's framer cuts the bytes into
 * frames, its decoder reads each, and what the device said reaches the hub exactly as an MQTT
 * device's message does: readings to the telemetry writer and `device.telemetry`, alarms as
 * `device.event` (awaited, so the alert is committed), and `device.status` as the connection opens
 * and closes. The device must be registered under the protocol's type (WATCH_DEVICE_TYPES).
 *
 * An alarm's answer (`afterCommit`) is written only once its events are handled: the device repeats
 * an unanswered alarm, and its event ids stay the same, so a failure or a crash in between costs a
 * repeat, never the alarm, and the repeat opens no second alert. Everything refused (a frame that is
 * not one, an oversize frame, an unregistered device, a flood) is counted in `/metrics` by protocol
 * and reason; it closes at most its own connection.
 */
import net from 'node:net';
import type { Counter, Registry } from 'prom-client';
import promClient from 'prom-client';
import type { EventBus } from '../../devices/bus.ts';
import { WATCH_DEVICE_TYPES } from '../../devices/index.ts';
import {
  cut,
  FrameError,
  type Framer,
  type WatchCommand,
  type WatchMessage,
  type WatchProtocol,
  type WatchProtocolName,
  type WatchSession,
  watchProtocols,
} from '../../devices/watches/index.ts';
import type { DeviceDirectory, DeviceIdentity } from '../broker/gateway.ts';
import { createTlsServer, type TlsFiles } from '../broker/tls.ts';
import type { TelemetryWriter } from '../ingest/writer.ts';
import { listen } from '../listen.ts';
import { countersIn, type Logger } from '../observe.ts';
import { handOffPosition, handOffReadings } from '../readings.ts';
import { VoiceNoteAssembler, type VoicePartRefusal } from './voice-parts.ts';

/** What became of a command handed to `send`. */
export type SendOutcome =
  | { sent: true; key: string }
  | { sent: false; reason: 'away' }
  | { sent: false; reason: 'unsupported'; detail: string };

export interface WatchLimits {
  /** A frame longer than this is refused (`oversize`) and skipped; the connection stays. */
  maxFrameBytes: number;
  /** A connection silent this long is closed: the device links again when it next has something. */
  idleTimeoutMs: number;
  /** Open connections over all protocols; more are closed at once. */
  maxConnections: number;
  /** Frames (and refused stretches) one connection may send in a second; more close it (`flood`). */
  maxFramesPerSecond: number;
  /** Longest wait for an alarm to be stored; past it the alarm is left unanswered and the device repeats it. */
  eventCommitTimeoutMs: number;
  /** Parts one voice note sent in several frames (IW `AP07`, 3G `JXTK`) may have. */
  voiceNoteMaxParts: number;
  /** Bytes of audio one such note may hold, all its parts together. */
  voiceNoteMaxBytes: number;
  /** Such notes one device may have in progress at once. */
  voiceNotesPerDevice: number;
  /** An incomplete note whose next part does not come within this is dropped (and counted). */
  voiceNoteTimeoutMs: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = {
  // A 3G voice note (`TK`, AMR) of some seconds is the largest frame a watch sends.
  maxFrameBytes: 64 * 1024,
  // Watches link (`LK`, `AP03`, 0x0002) every few minutes; a quarter of an hour of silence is a dead link.
  idleTimeoutMs: 15 * 60_000,
  maxConnections: 20_000,
  // A watch back in coverage sends its stored reports at once; a few dozen a second is still a device.
  maxFramesPerSecond: 100,
  eventCommitTimeoutMs: 10_000,
  // A minute of AMR-NB at its highest rate is some 92 KB, sent as packets of about 1 KB.
  voiceNoteMaxParts: 256,
  voiceNoteMaxBytes: 512 * 1024,
  voiceNotesPerDevice: 4,
  // The watch sends each part once the last is answered: two minutes of silence is a note abandoned.
  voiceNoteTimeoutMs: 120_000,
};

/** The address one protocol's listener binds; port 0 lets the system pick one. */
export interface WatchListener {
  host: string;
  port: number;
}

export interface WatchGatewayOptions {
  bus: EventBus;
  directory: Pick<DeviceDirectory, 'lookup' | 'isRevoked' | 'refreshDevice'>;
  writer: TelemetryWriter;
  log: Logger;
  registry: Registry;
  /** With certificate files, every listener speaks TLS; else plain TCP, as most watches do. */
  tls?: TlsFiles | undefined;
  /** The protocols to serve, each on its own listener; a protocol absent here is not served. */
  listeners: Partial<Record<WatchProtocolName, WatchListener>>;
  /**
   * The code a JT/T 808 terminal authenticates with after registering: stable per device across
   * connections and restarts (the terminal keeps it), and not guessable from the id alone.
   */
  authCode(deviceId: string): string;
  /** The centre's offset from UTC in minutes, for protocols that speak local time (JT/T 808). */
  utcOffsetMinutes: number;
  limits?: Partial<WatchLimits>;
  clock?: () => number;
}

/** Why a connection or a frame was refused, as counted in `hub_watch_refused_total`. */
type RefusalReason =
  | FrameError['reason']
  | 'unregistered'
  | 'revoked'
  | 'wrong_type'
  | 'other_device'
  | 'unauthenticated'
  | 'flood'
  | 'connection_cap'
  | 'tls_handshake'
  | VoicePartRefusal;

/** Refusals that close the connection: what comes after them on it cannot be trusted. */
const CLOSING = new Set<RefusalReason>([
  'unregistered',
  'revoked',
  'wrong_type',
  'other_device',
  'unauthenticated',
  'flood',
]);

const OWNER = 'watch-gateway';

/** One open connection and what the hub knows of it. */
class Connection {
  readonly session: WatchSession;
  readonly framer: Framer;
  /** The registered device the connection speaks for, once its first frame said so. */
  device: { deviceId: string; identity: DeviceIdentity } | undefined;
  /** JT/T 808: the terminal presented its code on this connection. */
  authenticated = false;
  /** The device may be sent commands: bound and, where its protocol asks, authenticated. */
  ready = false;
  private windowStart = 0;
  private framesInWindow = 0;

  constructor(
    readonly protocol: WatchProtocol,
    readonly socket: net.Socket,
    maxFrameBytes: number,
    authCode: (deviceId: string) => string,
  ) {
    let serial = 0;
    this.session = {
      nextSerial: () => {
        const current = serial;
        serial = (serial + 1) & 0xffff;
        return current;
      },
      authCode,
    };
    this.framer = protocol.framer(maxFrameBytes);
  }

  /** Counts `count` frames at `now`; false once the connection sent more in a second than `limit`. */
  withinRate(count: number, now: number, limit: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.framesInWindow = 0;
    }
    this.framesInWindow += count;
    return this.framesInWindow <= limit;
  }
}

export class WatchGateway {
  private readonly servers = new Map<WatchProtocolName, net.Server>();
  private readonly connections = new Set<Connection>();
  /** The connection each device speaks on now; a newer one replaces it. */
  private readonly byDevice = new Map<string, Connection>();
  private readonly limits: WatchLimits;
  private readonly clock: () => number;
  /** Voice notes sent in several frames, put together per device and note. */
  private readonly voiceParts: VoiceNoteAssembler;
  private readonly metrics: {
    frames: Counter<'protocol'>;
    refused: Counter<'protocol' | 'reason'>;
    unanswered: Counter<'protocol' | 'reason'>;
    closed: Counter<'protocol' | 'reason'>;
    commands: Counter<'protocol' | 'outcome'>;
    voiceIncomplete: Counter<'protocol'>;
  };

  constructor(private readonly options: WatchGatewayOptions) {
    this.limits = { ...DEFAULT_WATCH_LIMITS, ...options.limits };
    this.clock = options.clock ?? Date.now;
    const counter = countersIn(options.registry);
    const gateway = this;
    this.metrics = {
      frames: counter(
        'hub_watch_frames_total',
        'Watch and pendant frames read and accepted, by protocol',
        'protocol',
      ),
      refused: counter(
        'hub_watch_refused_total',
        'Watch and pendant frames and connections refused, by protocol and reason (malformed, checksum, oversize, unsupported, unregistered, revoked, wrong_type, other_device, unauthenticated, flood, connection_cap, tls_handshake, voice_oversize, voice_busy, voice_inconsistent)',
        'protocol',
        'reason',
      ),
      unanswered: counter(
        'hub_watch_alarms_unanswered_total',
        'Watch and pendant alarms left unanswered because storing them failed or took too long (the device sends them again)',
        'protocol',
        'reason',
      ),
      closed: counter(
        'hub_watch_connections_closed_total',
        'Watch and pendant connections closed by the hub: idle, replaced by a newer one, revoked',
        'protocol',
        'reason',
      ),
      commands: counter(
        'hub_watch_commands_total',
        'Commands sent to watches and pendants, and those their protocol could not say, by protocol and outcome (sent, unsupported)',
        'protocol',
        'outcome',
      ),
      voiceIncomplete: counter(
        'hub_watch_voice_notes_incomplete_total',
        'Voice notes sent in several frames dropped unkept because their next part did not come in time, by protocol',
        'protocol',
      ),
    };
    this.voiceParts = new VoiceNoteAssembler(
      {
        maxParts: this.limits.voiceNoteMaxParts,
        maxBytes: this.limits.voiceNoteMaxBytes,
        maxNotesPerDevice: this.limits.voiceNotesPerDevice,
        timeoutMs: this.limits.voiceNoteTimeoutMs,
      },
      (protocol, deviceId, note) => {
        this.metrics.voiceIncomplete.inc({ protocol });
        this.options.log.warn({ protocol, deviceId, note }, 'voice note incomplete; dropped');
      },
    );
    new promClient.Gauge({
      name: 'hub_watch_connections',
      help: 'Open watch and pendant connections, by protocol',
      labelNames: ['protocol'],
      registers: [options.registry],
      collect() {
        for (const name of Object.keys(watchProtocols) as WatchProtocolName[]) {
          this.set({ protocol: name }, gateway.openConnections(name));
        }
      },
    });
  }

  /** The port a protocol's listener is bound to; 0 when it is not served. */
  port(protocol: WatchProtocolName): number {
    const address = this.servers.get(protocol)?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** The devices with a connection open here. */
  connectedDevices(): string[] {
    return [...this.byDevice.keys()];
  }

  openConnections(protocol: WatchProtocolName): number {
    let count = 0;
    for (const connection of this.connections) if (connection.protocol.name === protocol) count += 1;
    return count;
  }

  /**
   * Sends a command to a device on its open connection. `away` when it has none ready (the caller
   * keeps the command for its next link), `unsupported` when its protocol cannot say it; otherwise
   * the key its confirmation will carry (`device.answered`).
   */
  send(deviceId: string, command: WatchCommand): SendOutcome {
    const connection = this.byDevice.get(deviceId);
    if (!connection?.ready || connection.socket.destroyed) return { sent: false, reason: 'away' };
    const { protocol, socket, session } = connection;
    let bytes: Buffer;
    try {
      bytes = protocol.encode(command, {
        deviceId,
        now: this.clock(),
        utcOffsetMinutes: this.options.utcOffsetMinutes,
        session,
      });
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.metrics.commands.inc({ protocol: protocol.name, outcome: 'unsupported' });
      return { sent: false, reason: 'unsupported', detail: error.message };
    }
    socket.write(bytes);
    this.metrics.commands.inc({ protocol: protocol.name, outcome: 'sent' });
    this.options.log.info({ protocol: protocol.name, deviceId, command: command.kind }, 'watch command sent');
    return { sent: true, key: protocol.answerKey(bytes) };
  }

  async start(): Promise<void> {
    // A device removed from the records speaks no more on the connection it has.
    this.options.bus.on('device.revoked', OWNER, ({ deviceId }) => {
      const connection = this.byDevice.get(deviceId);
      if (!connection) return;
      this.metrics.closed.inc({ protocol: connection.protocol.name, reason: 'revoked' });
      connection.socket.destroy();
    });
    for (const [name, listener] of Object.entries(this.options.listeners) as [
      WatchProtocolName,
      WatchListener,
    ][]) {
      const protocol = watchProtocols[name];
      const accept = (socket: net.Socket) => this.accept(protocol, socket);
      const { tls } = this.options;
      const server = tls
        ? createTlsServer(tls, accept, (error, socket) => {
            this.refuse(name, 'tls_handshake', { address: socket.remoteAddress, detail: error.message });
          })
        : // Answers (an alarm's echo once its alert is committed) go out at once.
          net.createServer({ noDelay: true }, accept);
      this.servers.set(name, server);
      await listen(server, listener.port, listener.host);
      this.options.log.info(
        { protocol: name, port: this.port(name), host: listener.host, tls: tls !== undefined },
        'watch listener open',
      );
    }
  }

  async stop(): Promise<void> {
    this.options.bus.removeOwner(OWNER);
    const closed = [...this.servers.values()].map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    for (const connection of this.connections) connection.socket.destroy();
    this.voiceParts.clear();
    await Promise.all(closed);
    this.servers.clear();
  }

  private accept(protocol: WatchProtocol, socket: net.Socket): void {
    // A reset by the device (a watch losing coverage) is its connection ending: 'close' follows.
    socket.on('error', () => {});
    if (this.connections.size >= this.limits.maxConnections) {
      this.refuse(protocol.name, 'connection_cap', { address: socket.remoteAddress });
      socket.destroy();
      return;
    }
    const connection = new Connection(protocol, socket, this.limits.maxFrameBytes, (deviceId) =>
      this.options.authCode(deviceId),
    );
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.setTimeout(this.limits.idleTimeoutMs, () => {
      this.metrics.closed.inc({ protocol: protocol.name, reason: 'idle' });
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      // One chunk at a time, in order: an alarm's answer goes out before what came after it is read.
      socket.pause();
      this.receive(connection, chunk)
        .catch((error: unknown) => {
          this.options.log.error({ protocol: protocol.name, err: error }, 'watch frame not handled');
          socket.destroy();
        })
        .finally(() => {
          if (!socket.destroyed) socket.resume();
        });
    });
    socket.once('close', () => this.closed(connection));
  }

  private closed(connection: Connection): void {
    this.connections.delete(connection);
    const deviceId = connection.device?.deviceId;
    if (deviceId === undefined || this.byDevice.get(deviceId) !== connection) return;
    this.byDevice.delete(deviceId);
    this.options.bus.emit('device.status', {
      deviceId,
      online: false,
      ts: this.clock(),
      source: 'connection',
    });
  }

  private refuse(protocol: WatchProtocolName, reason: RefusalReason, detail: object): void {
    this.metrics.refused.inc({ protocol, reason });
    this.options.log.warn({ protocol, reason, ...detail }, 'watch frame refused');
  }

  private async receive(connection: Connection, chunk: Buffer): Promise<void> {
    const { protocol, socket } = connection;
    const { frames, refused } = cut(connection.framer, chunk);
    if (
      !connection.withinRate(frames.length + refused.length, this.clock(), this.limits.maxFramesPerSecond)
    ) {
      this.refuse(protocol.name, 'flood', {
        address: socket.remoteAddress,
        deviceId: connection.device?.deviceId,
      });
      socket.destroy();
      return;
    }
    for (const error of refused) {
      this.refuse(protocol.name, error.reason, {
        deviceId: connection.device?.deviceId,
        detail: error.message,
      });
    }
    for (const frame of frames) {
      if (socket.destroyed) return;
      await this.handle(connection, frame);
    }
  }

  private async handle(connection: Connection, frame: Buffer): Promise<void> {
    const { protocol, socket, session } = connection;
    const receivedAt = this.clock();
    let message: WatchMessage;
    try {
      message = protocol.decode(frame, {
        receivedAt,
        utcOffsetMinutes: this.options.utcOffsetMinutes,
        session,
      });
    } catch (error) {
      const reason = error instanceof FrameError ? error.reason : 'malformed';
      this.refuse(protocol.name, reason, {
        deviceId: connection.device?.deviceId,
        detail: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    if (!connection.device) await this.known(message.deviceId);
    const device = this.admit(connection, message);
    if (!device) return;
    this.metrics.frames.inc({ protocol: protocol.name });
    if (message.dialect) session.dialect = { ...session.dialect, ...message.dialect };
    if (message.authenticated) connection.authenticated = true;
    if (!connection.ready && (connection.authenticated || !protocol.beforeAuthentication)) {
      connection.ready = true;
      this.options.bus.emit('device.linked', { deviceId: device.deviceId });
    }
    if (message.commandAnswer) {
      const { key, ok, detail } = message.commandAnswer;
      this.options.bus.emit('device.answered', {
        deviceId: device.deviceId,
        key,
        ok,
        ...(detail !== undefined ? { detail } : {}),
      });
    }
    const source = {
      deviceId: device.deviceId,
      deviceType: device.identity.type,
      retireeId: device.identity.retireeId,
    };
    // Blood pressure is stored as two readings of one instant, beside the frame's others.
    const readings = message.bloodPressure
      ? {
          ...message.readings,
          bp_systolic: message.bloodPressure.systolic,
          bp_diastolic: message.bloodPressure.diastolic,
        }
      : message.readings;
    if (Object.keys(readings).length > 0) {
      handOffReadings(this.options.writer, this.options.bus, source, message.ts, readings);
    }
    if (message.position) handOffPosition(this.options.writer, this.options.bus, source, message.position);
    const { answer } = message;
    if (message.voicePart) {
      const outcome = this.voiceParts.add(protocol.name, device.deviceId, message.voicePart, receivedAt);
      if (outcome.kind === 'refused') {
        // Unanswered: the watch stops sending the note's parts.
        this.refuse(protocol.name, outcome.reason, { deviceId: device.deviceId, detail: outcome.detail });
        return;
      }
      if (outcome.kind === 'pending') {
        if (answer) socket.write(answer.bytes);
        return;
      }
      message.voice = outcome.audio;
      message.ts = outcome.ts;
    }
    if (answer?.when === 'now') socket.write(answer.bytes);
    if (message.events.length === 0 && !message.voice) {
      if (answer?.when === 'afterCommit') socket.write(answer.bytes);
      return;
    }
    const stored = await this.stored(protocol.name, source, message);
    if (stored && answer?.when === 'afterCommit' && !socket.destroyed) socket.write(answer.bytes);
  }

  /**
   * A device this instance does not know on the first frame of a connection is read from the records
   * before it is judged: registered on another instance a moment ago, perhaps, its change not yet
   * relayed here. A connection refused as unregistered is closed, so a stranger costs one read per
   * connection, within the listener's connection cap.
   */
  private async known(deviceId: string): Promise<void> {
    const { directory, log } = this.options;
    if (!directory.refreshDevice || directory.lookup(deviceId)) return;
    await directory.refreshDevice(deviceId).catch((error: unknown) => {
      log.warn({ err: error, deviceId }, 'unknown watch not read from the records');
    });
  }

  /**
   * The registered device a decoded frame speaks for, bound to its connection on its first frame;
   * undefined (refused, counted, and the connection closed) for an unknown, revoked or mistyped
   * device, another device on the same connection, or a JT/T 808 terminal that has not authenticated.
   */
  private admit(
    connection: Connection,
    message: WatchMessage,
  ): { deviceId: string; identity: DeviceIdentity } | undefined {
    const { protocol, socket } = connection;
    const refuse = (reason: RefusalReason) => {
      this.refuse(protocol.name, reason, {
        address: socket.remoteAddress,
        deviceId: message.deviceId,
        type: message.type,
      });
      if (CLOSING.has(reason)) socket.destroy();
      return undefined;
    };
    const { deviceId } = message;
    if (connection.device && connection.device.deviceId !== deviceId) return refuse('other_device');
    if (this.options.directory.isRevoked?.(deviceId)) return refuse('revoked');
    const identity = this.options.directory.lookup(deviceId);
    if (!identity) return refuse('unregistered');
    if (identity.type !== WATCH_DEVICE_TYPES[protocol.name]) return refuse('wrong_type');
    const opening = protocol.beforeAuthentication;
    if (opening && !connection.authenticated && !opening.has(message.type)) return refuse('unauthenticated');
    // The identity is read anew for each frame: a device bound to another retiree meanwhile reports for them.
    const device = { deviceId, identity };
    if (!connection.device) this.bind(connection, deviceId);
    connection.device = device;
    return device;
  }

  /** The connection now speaks for the device: an older one of it is closed, and it is online. */
  private bind(connection: Connection, deviceId: string): void {
    connection.session.deviceId = deviceId;
    const older = this.byDevice.get(deviceId);
    this.byDevice.set(deviceId, connection);
    if (older && older !== connection) {
      this.metrics.closed.inc({ protocol: older.protocol.name, reason: 'replaced' });
      older.socket.destroy();
      return;
    }
    this.options.bus.emit('device.status', {
      deviceId,
      online: true,
      ts: this.clock(),
      source: 'connection',
    });
  }

  /**
   * Hands the frame's alarms and voice note on and waits until they are stored; false (counted) when
   * they were not in time.
   */
  private async stored(
    protocol: WatchProtocolName,
    source: { deviceId: string; deviceType: string },
    message: WatchMessage,
  ): Promise<boolean> {
    const { voice } = message;
    const handled = Promise.all([
      ...message.events.map((event) =>
        this.options.bus.emitAndWait('device.event', {
          deviceId: source.deviceId,
          deviceType: source.deviceType,
          event,
        }),
      ),
      ...(voice
        ? [
            this.options.bus.emitAndWait('device.voice', {
              deviceId: source.deviceId,
              ts: message.ts,
              format: 'amr',
              audio: voice,
            }),
          ]
        : []),
    ]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.limits.eventCommitTimeoutMs);
    });
    try {
      const outcome = await Promise.race([handled.then(() => 'stored' as const), timedOut]);
      if (outcome === 'stored') return true;
      this.unanswered(protocol, source.deviceId, message.type, 'timeout');
      return false;
    } catch (error) {
      this.unanswered(protocol, source.deviceId, message.type, 'failed', error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private unanswered(
    protocol: WatchProtocolName,
    deviceId: string,
    type: string,
    reason: 'failed' | 'timeout',
    error?: unknown,
  ): void {
    this.metrics.unanswered.inc({ protocol, reason });
    this.options.log.error(
      { protocol, deviceId, type, reason, err: error },
      'watch alarm not stored; left unanswered, the device will send it again',
    );
  }
}
