/**
 * The stream aedes reads from, between it and the socket (TCP, TLS or WebSocket). aedes 1.2.0 has no
 * maximum packet size: its parser (mqtt-packet) keeps every byte of a packet until the packet is
 * whole, so one PUBLISH that claims 200 MiB grows the broker by as much. This guard reads each
 * packet's fixed header as the bytes go by — the type byte and the remaining length [MQTT-2.2.3] —
 * and closes the connection as soon as a header announces more than the limit, before the body
 * is buffered anywhere. It keeps no bytes of its own: a chunk is passed on, or refused.
 */
import { Duplex } from 'node:stream';

export type GuardRefusal = 'oversize' | 'malformed_length';

export interface PacketGuardOptions {
  /** Largest whole packet (fixed header included) accepted on this connection. */
  maxPacketBytes: number;
  remoteAddress: string | undefined;
  onRefused: (reason: GuardRefusal, detail: string) => void;
}

type ScanState = 'type' | 'length' | 'body';

export class GuardedConnection extends Duplex {
  readonly remoteAddress: string | undefined;
  /** Raised for a Zigbee2MQTT bridge once it has authenticated (its device list is large). */
  maxPacketBytes: number;
  private state: ScanState = 'type';
  private remainingLength = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private refused = false;

  constructor(
    private readonly inner: Duplex,
    private readonly options: PacketGuardOptions,
  ) {
    super({ allowHalfOpen: false });
    this.remoteAddress = options.remoteAddress;
    this.maxPacketBytes = options.maxPacketBytes;
    inner.on('data', (chunk: Buffer) => this.receive(chunk));
    inner.on('end', () => this.push(null));
    inner.on('error', (error) => this.destroy(error));
    inner.on('close', () => this.destroy());
  }

  override _read(): void {
    if (!this.refused) this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.inner.destroyed) {
      callback(new Error('connection closed'));
      return;
    }
    // The callback waits for the socket to take the bytes, so a client that stops reading fills
    // this stream's buffer and aedes' drainTimeout notices [aedes waitForDrain].
    this.inner.write(chunk, encoding, callback);
  }

  /**
   * What aedes wrote in one go (mqtt-packet corks the stream for each packet until the next tick,
   * and PUBACKs of one read pile up the same way) reaches the socket as one write: one system call
   * and, over WebSocket, one frame, instead of one per piece of each packet.
   */
  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    if (this.inner.destroyed) {
      callback(new Error('connection closed'));
      return;
    }
    const only = chunks.length === 1 ? chunks[0]?.chunk : undefined;
    this.inner.write(only ?? Buffer.concat(chunks.map(({ chunk }) => chunk)), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }

  private receive(chunk: Buffer): void {
    if (this.refused) return;
    const verdict = this.scan(chunk);
    if (verdict) {
      this.refused = true;
      this.options.onRefused(verdict.reason, verdict.detail);
      // Whole packets before the refused one still reach the broker; then the stream ends and
      // aedes closes this client (its will is published as for any dropped connection).
      if (verdict.validBytes > 0) this.push(chunk.subarray(0, verdict.validBytes));
      this.push(null);
      this.inner.destroy();
      return;
    }
    if (!this.push(chunk)) this.inner.pause();
  }

  /** Walks the fixed headers in `chunk`; the first packet over the limit is refused. */
  private scan(chunk: Buffer): { reason: GuardRefusal; detail: string; validBytes: number } | null {
    let index = 0;
    let packetStart = 0;
    while (index < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - index);
        index += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      if (this.state === 'type') {
        packetStart = index;
        this.remainingLength = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        this.state = 'length';
        index += 1;
        continue;
      }
      const byte = chunk[index] as number;
      index += 1;
      this.remainingLength += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes += 1;
      if (byte & 0x80) {
        // [MQTT-2.2.3] the remaining length takes at most four bytes.
        if (this.lengthBytes >= 4) {
          return {
            reason: 'malformed_length',
            detail: 'remaining length over four bytes',
            validBytes: packetStart,
          };
        }
        continue;
      }
      const total = 1 + this.lengthBytes + this.remainingLength;
      if (total > this.maxPacketBytes) {
        return {
          reason: 'oversize',
          detail: `packet of ${total} bytes > ${this.maxPacketBytes}`,
          validBytes: packetStart,
        };
      }
      this.bodyLeft = this.remainingLength;
      this.state = this.bodyLeft > 0 ? 'body' : 'type';
    }
    return null;
  }
}
