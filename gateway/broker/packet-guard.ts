/**
 * The stream aedes reads from, between it and the socket (TCP, TLS or WebSocket). aedes 1.2.0 has no
 * maximum packet size: its parser (mqtt-packet) keeps every byte of a packet until the packet is
 * whole, so one PUBLISH that claims 200 MiB grows the broker by as much. This guard reads each
 * packet's fixed header as the bytes go by — the type byte and the remaining length [MQTT-2.2.3] —
 * and closes the connection as soon as a header announces more than the limit, before the body
 * is buffered anywhere.
 *
 * It also reads the protocol level of the first packet, the CONNECT. aedes speaks MQTT 3.1 and
 * 3.1.1 only; a level-5 CONNECT gets a translator for the connection (mqtt5.ts), which turns the
 * device's MQTT 5 into 3.1.1 for aedes and aedes' answers back into MQTT 5. Until the level byte
 * has come the few bytes before it are held; after that a 3.1.1 connection's chunks pass on as they
 * are, or are refused, with no cost of its own.
 */
import { Duplex } from 'node:stream';
import { refusalOf } from './limits.ts';
import {
  connectLevel,
  disconnectReasonFor,
  type Mqtt5Refusal,
  Mqtt5Translator,
  REASON,
  type Translation,
} from './mqtt5.ts';

export type GuardRefusal = 'oversize' | 'malformed_length' | Mqtt5Refusal;

export interface PacketGuardOptions {
  /** Largest whole packet (fixed header included) accepted on this connection. */
  maxPacketBytes: number;
  /**
   * QoS 1 and 2 publishes an MQTT 5 device may have unacknowledged, announced in its CONNACK:
   * aedes' own window of unfinished incoming QoS 2 exchanges, so a device within it never hits it.
   */
  receiveMaximum: number;
  remoteAddress: string | undefined;
  onRefused: (reason: GuardRefusal, detail: string) => void;
}

type ScanState = 'type' | 'length' | 'body';

/** Until the CONNECT's protocol level is known; then as aedes reads it, or through a translator. */
type Mode = 'opening' | 'plain' | 'mqtt5';

/** How long the last packet to a device may take to leave before its connection is cut anyway. */
const FAREWELL_TIMEOUT_MS = 2000;

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
  private mode: Mode = 'opening';
  /** The first bytes, held until the CONNECT's protocol level has come. */
  private opening: Buffer | undefined;
  private translator: Mqtt5Translator | undefined;
  /** A last packet to the device is being written: nothing more goes out, and the socket ends after it. */
  private closing = false;
  /** aedes has been given the end of the stream: nothing more may be given to it. */
  private brokerEnded = false;

  constructor(
    private readonly inner: Duplex,
    private readonly options: PacketGuardOptions,
  ) {
    super({ allowHalfOpen: false });
    this.remoteAddress = options.remoteAddress;
    this.maxPacketBytes = options.maxPacketBytes;
    inner.on('data', (chunk: Buffer) => this.receive(chunk));
    inner.on('end', () => this.deviceEnded());
    inner.on('error', (error) => this.destroy(error));
    inner.on('close', () => this.destroy());
  }

  override _read(): void {
    if (!this.refused) this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.inner.destroyed || this.closing) {
      callback(new Error('connection closed'));
      return;
    }
    if (this.translator) {
      this.fromBroker(chunk, callback);
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
    if (this.inner.destroyed || this.closing) {
      callback(new Error('connection closed'));
      return;
    }
    const only = chunks.length === 1 ? chunks[0]?.chunk : undefined;
    const bytes = only ?? Buffer.concat(chunks.map(({ chunk }) => chunk));
    if (this.translator) {
      this.fromBroker(bytes, callback);
      return;
    }
    this.inner.write(bytes, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.closing) this.inner.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A last packet on its way closes the socket after it.
    if (!this.closing) {
      // aedes ends an MQTT 5 connection for a reason the device is told, where it may be (MQTT 5.0 4.13).
      const reasonCode =
        error && this.translator?.connected ? disconnectReasonFor(refusalOf(error.message)) : undefined;
      const farewell = reasonCode !== undefined ? this.translator?.farewell(reasonCode) : undefined;
      if (farewell && !this.inner.destroyed) this.sayFarewell(farewell);
      else this.inner.destroy();
    }
    callback(error);
  }

  private receive(chunk: Buffer): void {
    if (this.refused) return;
    const verdict = this.scan(chunk);
    if (this.mode !== 'plain') {
      this.receiveOpeningOr5(chunk, verdict);
      return;
    }
    if (verdict) {
      this.refuse(verdict, chunk.subarray(0, verdict.validBytes));
      return;
    }
    if (!this.push(chunk)) this.inner.pause();
  }

  /**
   * A refused packet ends the connection. Whole packets before it still reach the broker; then the
   * stream ends and aedes closes this client (its will is published as for any dropped connection).
   * An MQTT 5 device is told why first: packet too large, or malformed [MQTT-4.13.1-1].
   */
  private refuse(verdict: { reason: GuardRefusal; detail: string }, valid: Buffer, farewell?: Buffer): void {
    this.refused = true;
    this.options.onRefused(verdict.reason, verdict.detail);
    if (valid.length > 0) this.push(valid);
    this.endForBroker();
    if (farewell) this.sayFarewell(farewell);
    else this.inner.destroy();
  }

  /** The first bytes, until the CONNECT's level is known, and every byte of an MQTT 5 connection. */
  private receiveOpeningOr5(
    chunk: Buffer,
    verdict: { reason: GuardRefusal; detail: string; validBytes: number } | null,
  ): void {
    let bytes = verdict ? chunk.subarray(0, verdict.validBytes) : chunk;
    if (this.mode === 'opening') {
      // The level is read from all that came, refused bytes included: a level-5 CONNECT too large
      // to be taken is refused in MQTT 5's words.
      const level = connectLevel(this.opening ? Buffer.concat([this.opening, chunk]) : chunk);
      if (level === 'wait' && !verdict) {
        this.opening = this.opening ? Buffer.concat([this.opening, chunk]) : chunk;
        return;
      }
      if (this.opening) bytes = Buffer.concat([this.opening, bytes]);
      this.opening = undefined;
      if (level !== 5) {
        this.mode = 'plain';
        if (verdict) this.refuse(verdict, bytes);
        else if (!this.push(bytes)) this.inner.pause();
        return;
      }
      this.mode = 'mqtt5';
      this.translator = new Mqtt5Translator({
        maxPacketBytes: () => this.maxPacketBytes,
        receiveMaximum: this.options.receiveMaximum,
      });
    }
    const translator = this.translator as Mqtt5Translator;
    if (bytes.length > 0) this.apply(translator.fromClient(bytes));
    if (verdict && !this.refused) {
      const reasonCode = verdict.reason === 'oversize' ? REASON.packetTooLarge : REASON.malformedPacket;
      this.refuse(verdict, Buffer.alloc(0), translator.farewell(reasonCode));
    }
  }

  /** Carries out what the translator made of the device's bytes. */
  private apply(translation: Translation): void {
    const { toBroker, toClient, end } = translation;
    let full = false;
    for (const bytes of toBroker) full = !this.push(bytes) || full;
    if (!end) {
      if (toClient.length > 0 && !this.inner.destroyed && !this.closing)
        this.inner.write(Buffer.concat(toClient));
      if (full) this.inner.pause();
      return;
    }
    this.refused = true;
    this.endForBroker();
    if (end.reason) {
      this.options.onRefused(end.reason, end.detail);
      if (toClient.length > 0) this.sayFarewell(Buffer.concat(toClient));
      else this.inner.destroy();
    }
    // A DISCONNECT asking for the will: aedes closes this client as the stream ends; the device
    // closes its side.
  }

  /** What aedes wrote, translated; the callback waits for the socket as for 3.1.1. */
  private fromBroker(bytes: Buffer, callback: (error?: Error | null) => void): void {
    const translation = (this.translator as Mqtt5Translator).fromBroker(bytes);
    // Acknowledgements aedes hears from the translator itself (a publish too large for the device).
    if (!this.brokerEnded) for (const packet of translation.toBroker) this.push(packet);
    if (translation.end) {
      callback(new Error(translation.end.detail));
      return;
    }
    if (translation.toClient.length === 0) {
      callback();
      return;
    }
    const out =
      translation.toClient.length === 1
        ? (translation.toClient[0] as Buffer)
        : Buffer.concat(translation.toClient);
    this.inner.write(out, callback);
  }

  /** Writes the last packet, then ends the socket; one that does not take it in time is cut. */
  private sayFarewell(bytes: Buffer): void {
    if (this.closing || this.inner.destroyed) return;
    this.closing = true;
    const inner = this.inner;
    const timer = setTimeout(() => inner.destroy(), FAREWELL_TIMEOUT_MS);
    timer.unref();
    inner.once('close', () => clearTimeout(timer));
    inner.end(bytes, () => inner.destroy());
  }

  /** The device ended its side: bytes held at the opening still go to aedes, then the end. */
  private deviceEnded(): void {
    if (this.opening && !this.brokerEnded) this.push(this.opening);
    this.opening = undefined;
    this.endForBroker();
  }

  private endForBroker(): void {
    this.brokerEnded = true;
    this.push(null);
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
