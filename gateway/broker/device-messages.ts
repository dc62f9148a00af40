/**
 * What the hub does with a device's MQTT message, whichever broker it came through: the embedded
 * aedes (./gateway.ts) or an external broker the hub consumes from (./consumer.ts). The message is
 * decoded by the device type's definition (devices/), stamped with its arrival, and handed on:
 * readings to the telemetry writer and the bus, a status to the bus, an event to the bus and waited
 * for until its alert (or its own row) is committed. A Zigbee2MQTT bridge's messages go to the
 * bridges' reader (../zigbee/bridges.ts). A message that cannot be read is refused for good,
 * counted in `hub_mqtt_messages_rejected_total` and told on the bus (`message.rejected`).
 *
 * The broker acknowledges an event only when `handle` has resolved (`settleWithin`): a crash in
 * between leaves it unacknowledged, the device or the broker sends it again, and its event id makes
 * the retry open no second alert.
 *
 * Readings are acknowledged once handed on, while detection may still be judging them (with
 * instances sharing a device's runs in Redis, a judgement waits for Redis). A consumer of an
 * external broker, which can be sent readings faster than they are judged, asks `roomForReadings`
 * before acknowledging one: the judgements under way stay bounded, a flood stays in the broker,
 * and an SOS behind it is not kept waiting on the instance.
 */
import type { Counter, Registry } from 'prom-client';
import type { EventBus } from '../../devices/bus.ts';
import { parseDeviceTopic } from '../../devices/contract.ts';
import { BRIDGE_TYPE, decodeDeviceMessage, getDefinition } from '../../devices/index.ts';
import type { Readings } from '../../devices/types.ts';
import type { TelemetryWriter } from '../ingest/writer.ts';
import { countersIn, type Logger } from '../observe.ts';
import { handOffReadings, handOffReadingsJudged, type ReadingSource } from '../readings.ts';
import { ZigbeeBridges } from '../zigbee/bridges.ts';
import type { DeviceDirectory, DeviceIdentity } from './gateway.ts';

export interface DeviceMessagesOptions {
  bus: EventBus;
  directory: DeviceDirectory;
  writer: TelemetryWriter;
  log: Logger;
  registry: Registry;
  clock: () => number;
}

export class DeviceMessages {
  /** The last arrival time handed out per device (arrivalOf); one entry per registered device. */
  private readonly lastArrival = new Map<string, number>();
  /** Judgements under way of readings taken from an external broker (`handle`). */
  private judging = 0;
  private readonly roomWaiters: (() => void)[] = [];
  readonly zigbee: ZigbeeBridges;
  private readonly metrics: {
    messages: Counter<'channel'>;
    rejected: Counter<'reason'>;
    unacknowledged: Counter<'reason'>;
  };

  constructor(private readonly options: DeviceMessagesOptions) {
    const counter = countersIn(options.registry);
    this.metrics = {
      messages: counter('hub_mqtt_messages_total', 'Device messages accepted, by channel', 'channel'),
      rejected: counter('hub_mqtt_messages_rejected_total', 'Device messages rejected, by reason', 'reason'),
      unacknowledged: counter(
        'hub_mqtt_events_unacknowledged_total',
        'Device events left unacknowledged because handling them failed or took too long (the device sends them again)',
        'reason',
      ),
    };
    this.zigbee = new ZigbeeBridges({
      bus: options.bus,
      writer: options.writer,
      log: options.log,
      registry: options.registry,
      bridged: (bridgeId) => options.directory.bridged(bridgeId),
      reject: (deviceId, topic, reason) => this.reject(deviceId, topic, reason),
      clock: options.clock,
    });
  }

  /**
   * A message a device published on its own topics, taken from an external broker (which checked
   * them). Resolves once an event is committed; undefined when there is nothing to wait for (it was
   * handed on at once). Readings are counted among those being judged (`roomForReadings`).
   */
  handle(
    deviceId: string,
    identity: DeviceIdentity,
    message: { topic: string; payload: Buffer | string },
  ): Promise<void> | undefined {
    const handled = this.beforeAck(deviceId, identity, message);
    if (handled) return handled;
    const readings = this.handOn(deviceId, identity, message);
    const judged = readings && handOffReadingsJudged(this.options.writer, this.options.bus, ...readings);
    if (judged) this.track(judged);
    return undefined;
  }

  /**
   * Undefined while fewer than `limit` tracked readings are being judged; else resolves when one
   * more judgement has finished.
   */
  roomForReadings(limit: number): Promise<void> | undefined {
    if (this.judging < limit) return undefined;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private track(judged: Promise<void>): void {
    this.judging += 1;
    void judged.finally(() => {
      this.judging -= 1;
      this.roomWaiters.shift()?.();
    });
  }

  /**
   * Device events (SOS, falls, cancels, service requests) and a bridge's messages, which may carry
   * events: handled before the broker acknowledges them, so a crash in between leaves them
   * unacknowledged. Returns undefined when the message is no such thing.
   */
  beforeAck(
    deviceId: string,
    identity: DeviceIdentity,
    packet: { topic: string; payload: Buffer | string },
  ): Promise<void> | undefined {
    if (identity.type === BRIDGE_TYPE) {
      return this.zigbee.receive(deviceId, identity.options, packet.topic, packet.payload);
    }
    if (parseDeviceTopic(packet.topic)?.channel !== 'event') return undefined;
    // A malformed event is refused for good (counted); sending it again would not mend it.
    const decoded = this.decode(deviceId, identity, packet.topic, 'event', packet.payload);
    if (decoded?.message.channel !== 'event') return undefined;
    return this.options.bus.emitAndWait('device.event', {
      deviceId,
      deviceType: identity.type,
      event: decoded.message.event,
    });
  }

  /** A status or readings, handed on at once; events and a bridge's messages went by beforeAck. */
  receive(
    deviceId: string,
    identity: DeviceIdentity | undefined,
    packet: { topic: string; payload: Buffer | string },
  ): void {
    const readings = this.handOn(deviceId, identity, packet);
    if (readings) handOffReadings(this.options.writer, this.options.bus, ...readings);
  }

  /** Decodes a status or readings: a status goes on the bus, readings are returned to be handed off. */
  private handOn(
    deviceId: string,
    identity: DeviceIdentity | undefined,
    packet: { topic: string; payload: Buffer | string },
  ): [ReadingSource, number, Readings] | undefined {
    if (identity?.type === BRIDGE_TYPE) return undefined;
    const parsed = parseDeviceTopic(packet.topic);
    if (!parsed || parsed.channel === 'cmd' || parsed.channel === 'event') return undefined;
    const decoded = this.decode(deviceId, identity, packet.topic, parsed.channel, packet.payload);
    if (!decoded || !identity) return undefined;
    const { message, receivedAt } = decoded;
    if (message.channel === 'telemetry') {
      return [
        { deviceId, deviceType: identity.type, retireeId: identity.retireeId },
        message.ts,
        message.readings,
      ];
    }
    if (message.channel === 'status') {
      this.options.bus.emit('device.status', {
        deviceId,
        online: message.status.online,
        ts: receivedAt,
        source: 'device',
        ...(message.status.battery !== undefined ? { battery: message.status.battery } : {}),
        ...(message.status.fw !== undefined ? { fw: message.status.fw } : {}),
      });
    }
    return undefined;
  }

  /**
   * Calls `acknowledge` once `handled` resolves, or with an error when it fails or takes longer
   * than `timeoutMs` (counted, logged): the broker then leaves the message unacknowledged.
   */
  settleWithin(
    deviceId: string,
    topic: string,
    handled: Promise<void>,
    timeoutMs: number,
    acknowledge: (error: Error | null) => void,
  ): void {
    let settled = false;
    const settle = (error: Error | null, reason?: 'failed' | 'timeout', cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        this.metrics.unacknowledged.inc({ reason: reason ?? 'failed' });
        this.options.log.error(
          { deviceId, topic, reason, err: cause ?? error },
          'device event not handled; not acknowledged, it will be sent again',
        );
      }
      acknowledge(error);
    };
    const timer = setTimeout(() => settle(new Error('event not handled in time'), 'timeout'), timeoutMs);
    handled.then(
      () => settle(null),
      (error: unknown) => settle(new Error('event not handled'), 'failed', error),
    );
  }

  /** A message refused for good: counted, logged and told on the bus. */
  reject(deviceId: string, topic: string, reason: string): void {
    const code = reason.split(':')[0] ?? reason;
    this.metrics.rejected.inc({ reason: code });
    this.options.log.warn({ deviceId, topic, reason }, 'device message rejected');
    this.options.bus.emit('message.rejected', { deviceId, topic, reason });
  }

  /** A device revoked or removed: its arrival clock goes. */
  forget(deviceId: string): void {
    this.lastArrival.delete(deviceId);
  }

  /**
   * The time a device's message arrived, in milliseconds, and never the same twice for one device:
   * a reading without a `ts` of its own is stamped with it, and InfluxDB keeps one point per series
   * and millisecond, so two readings arriving in the same millisecond would otherwise become one.
   */
  private arrivalOf(deviceId: string): number {
    const now = this.options.clock();
    const last = this.lastArrival.get(deviceId);
    const at = last !== undefined && now <= last ? last + 1 : now;
    this.lastArrival.set(deviceId, at);
    return at;
  }

  /**
   * A device's message on one of its own channels, decoded by its type's definition and stamped
   * with its arrival; a refusal is counted, logged and gives undefined.
   */
  private decode(
    deviceId: string,
    identity: DeviceIdentity | undefined,
    topic: string,
    channel: Parameters<typeof decodeDeviceMessage>[1],
    payload: Uint8Array | string,
  ) {
    const definition = identity ? getDefinition(identity.type) : undefined;
    if (!identity || !definition) {
      this.reject(deviceId, topic, `unknown_type: ${identity?.type ?? 'unregistered device'}`);
      return undefined;
    }
    const receivedAt = this.arrivalOf(deviceId);
    const decoded = decodeDeviceMessage(definition, channel, payload, receivedAt);
    if (!decoded.ok) {
      this.reject(deviceId, topic, decoded.reason);
      return undefined;
    }
    this.metrics.messages.inc({ channel });
    return { message: decoded.value, receivedAt };
  }
}
