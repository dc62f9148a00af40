/**
 * A minimal MQTT 3.1.1 device on a plain socket (mqtt-packet for the framing): CONNECT with the
 * device's id and secret, PUBLISH at QoS 0 or 1, PUBACK bookkeeping, PINGREQ. mqtt.js clients cost
 * tens of kilobytes and a timer each; ten thousand of these fit in one load process.
 */
import net from 'node:net';
import mqttPacket from 'mqtt-packet';

export interface DeviceCredentials {
  id: string;
  secret: string;
}

export class RawDevice {
  /** Unacknowledged QoS 1 publishes: message id → when it was written (performance.now()). */
  readonly inflight = new Map<number, number>();
  acked = 0;
  closed = false;
  onAck: ((sentAt: number) => void) | undefined;
  onClose: (() => void) | undefined;
  private nextId = 1;
  private corked = false;
  private keepaliveTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly id: string,
    private readonly socket: net.Socket,
  ) {}

  /** Connects and resolves once the broker accepted the CONNECT (CONNACK 0). */
  static connect(
    port: number,
    device: DeviceCredentials,
    options: { keepaliveSeconds?: number; timeoutMs?: number } = {},
  ): Promise<RawDevice> {
    const keepalive = options.keepaliveSeconds ?? 60;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      const client = new RawDevice(device.id, socket);
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      let connected = false;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`${device.id}: no CONNACK within ${options.timeoutMs ?? 10_000} ms`));
      }, options.timeoutMs ?? 10_000);
      parser.on('packet', (packet) => {
        if (packet.cmd === 'connack') {
          clearTimeout(timer);
          if (packet.returnCode !== 0) {
            socket.destroy();
            reject(new Error(`${device.id}: CONNACK ${packet.returnCode}`));
            return;
          }
          connected = true;
          if (keepalive > 0) {
            client.keepaliveTimer = setInterval(
              () => socket.write(mqttPacket.generate({ cmd: 'pingreq' })),
              (keepalive * 1000) / 2,
            );
            client.keepaliveTimer.unref();
          }
          resolve(client);
        } else if (packet.cmd === 'puback') {
          const sentAt = client.inflight.get(packet.messageId as number);
          if (sentAt !== undefined) {
            client.inflight.delete(packet.messageId as number);
            client.acked += 1;
            client.onAck?.(sentAt);
          }
        }
      });
      socket.on('data', (chunk) => parser.parse(chunk));
      socket.on('error', (error) => {
        if (!connected) {
          clearTimeout(timer);
          reject(error);
        }
      });
      socket.on('close', () => {
        client.closed = true;
        clearInterval(client.keepaliveTimer);
        if (!connected) {
          clearTimeout(timer);
          reject(new Error(`${device.id}: connection closed before CONNACK`));
        }
        client.onClose?.();
      });
      socket.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true,
          clientId: device.id,
          keepalive,
          username: device.id,
          password: Buffer.from(device.secret),
        }),
      );
    });
  }

  /**
   * Writes one PUBLISH; false when the socket's buffer is full (the caller may wait for drain).
   * The packet is framed here rather than by mqtt-packet, and writes in one tick go out corked as
   * one, so that one load process can offer a broker more than it takes.
   */
  publish(topic: string, payload: Buffer | string, qos: 0 | 1): boolean {
    let messageId = 0;
    if (qos === 1) {
      messageId = this.nextId;
      // Skip ids still in flight; 65,535 of them never are at once here.
      while (this.inflight.has(messageId)) messageId = (messageId % 65_535) + 1;
      this.nextId = (messageId % 65_535) + 1;
      this.inflight.set(messageId, performance.now());
    }
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const topicLength = Buffer.byteLength(topic);
    const remaining = 2 + topicLength + (qos === 1 ? 2 : 0) + body.length;
    const lengthBytes: number[] = [];
    let rest = remaining;
    do {
      let byte = rest % 128;
      rest = Math.floor(rest / 128);
      if (rest > 0) byte |= 0x80;
      lengthBytes.push(byte);
    } while (rest > 0);
    const packet = Buffer.allocUnsafe(1 + lengthBytes.length + remaining);
    let offset = 0;
    packet[offset++] = qos === 1 ? 0x32 : 0x30;
    for (const byte of lengthBytes) packet[offset++] = byte;
    packet.writeUInt16BE(topicLength, offset);
    offset += 2;
    offset += packet.write(topic, offset);
    if (qos === 1) {
      packet.writeUInt16BE(messageId, offset);
      offset += 2;
    }
    body.copy(packet, offset);
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    return this.socket.write(packet);
  }

  /** Bytes written by the caller that the kernel has not taken yet. */
  get backlogBytes(): number {
    return this.socket.writableLength;
  }

  drained(): Promise<void> {
    if (this.socket.writableLength === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('drain', () => resolve()));
  }

  end(): void {
    clearInterval(this.keepaliveTimer);
    if (this.closed) return;
    this.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
  }
}
