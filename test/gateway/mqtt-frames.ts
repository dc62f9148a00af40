/**
 * Hand-made MQTT 3.1.1 frames and a raw socket to write them, for the cases a client library will
 * not produce: oversize and truncated packets, a malformed remaining length, an empty client id.
 */
import net from 'node:net';

/** The remaining length as MQTT encodes it, seven bits a byte [MQTT-2.2.3]. */
export function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let value = length;
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

function text(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function frame(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);
}

export interface ConnectFields {
  clientId: string;
  username?: string;
  password?: string;
  clean?: boolean;
  keepalive?: number;
}

export function connectFrame(fields: ConnectFields): Buffer {
  let flags = fields.clean === false ? 0 : 0x02;
  if (fields.username !== undefined) flags |= 0x80;
  if (fields.password !== undefined) flags |= 0x40;
  const keepalive = Buffer.alloc(2);
  keepalive.writeUInt16BE(fields.keepalive ?? 60);
  return frame(
    0x10,
    Buffer.concat([
      text('MQTT'),
      Buffer.from([4, flags]),
      keepalive,
      text(fields.clientId),
      ...(fields.username !== undefined ? [text(fields.username)] : []),
      ...(fields.password !== undefined ? [text(fields.password)] : []),
    ]),
  );
}

export function subscribeFrame(packetId: number, topic: string, qos: 0 | 1): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId);
  return frame(0x82, Buffer.concat([id, text(topic), Buffer.from([qos])]));
}

/** A QoS 0 PUBLISH. */
export function publishFrame(topic: string, payload: Buffer | string): Buffer {
  return frame(0x30, Buffer.concat([text(topic), Buffer.from(payload)]));
}

/** A raw connection that records what the broker sends and when it closes. */
export class RawClient {
  readonly socket: net.Socket;
  private received = Buffer.alloc(0);
  readonly closed: Promise<void>;
  readonly connected: Promise<void>;

  constructor(port: number, options: { localAddress?: string } = {}) {
    this.socket = net.connect({ port, host: '127.0.0.1', ...options });
    this.socket.on('error', () => {});
    this.socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    this.connected = new Promise((resolve) => this.socket.once('connect', () => resolve()));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  get isClosed(): boolean {
    return this.socket.destroyed || this.socket.readyState === 'closed';
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  /** The CONNACK return code, once it arrived [MQTT-3.2.2.3]. */
  async connack(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.received.length >= 4 && this.received[0] === 0x20) return this.received[3] as number;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no CONNACK');
  }

  /** The packet types the broker sent so far, in order (first byte of each fixed header, high nibble). */
  packetTypes(): number[] {
    const types: number[] = [];
    let offset = 0;
    while (offset < this.received.length) {
      const first = this.received[offset] as number;
      let length = 0;
      let multiplier = 1;
      let cursor = offset + 1;
      for (;;) {
        if (cursor >= this.received.length) return types;
        const byte = this.received[cursor] as number;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        cursor += 1;
        if ((byte & 0x80) === 0) break;
      }
      if (cursor + length > this.received.length) return types;
      types.push(first >> 4);
      offset = cursor + length;
    }
    return types;
  }

  /** Waits for the broker's SUBACK [MQTT-3.8.4-1]: the subscription is in place from then on. */
  async suback(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.packetTypes().includes(9)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no SUBACK');
  }

  /** Resolves true when the broker closed the connection within `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    return Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * A guesser on raw sockets: `attempts` CONNECTs as `deviceId` with wrong secrets, each refused with
 * CONNACK 4 (bad user name or password) before the next; resolves with the codes the broker gave.
 */
export async function guessSecrets(port: number, deviceId: string, attempts: number): Promise<number[]> {
  const codes: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const raw = new RawClient(port);
    await raw.connected;
    await raw.write(connectFrame({ clientId: deviceId, username: deviceId, password: `guess-${attempt}` }));
    codes.push(await raw.connack());
    raw.destroy();
  }
  return codes;
}
