/**
 * A watch's or pendant's side of one TCP connection to the hub, for tests that speak its protocol
 * byte by byte: what it sent, what the hub answered, whether the hub closed it.
 */
import net from 'node:net';
import {
  createFramer,
  EDITION_2013,
  phoneField,
  readFrame,
  writeFrame,
} from '../../devices/watches/jt808-wire.ts';
import { eventually } from './hub.ts';

/** A device's side of one TCP connection: what it sent, what the hub answered, whether it closed. */
export class DeviceLink {
  readonly socket: net.Socket;
  private received = Buffer.alloc(0);
  readonly closed: Promise<void>;

  private constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  static async open(port: number): Promise<DeviceLink> {
    const link = new DeviceLink(port);
    await new Promise<void>((resolve, reject) => {
      link.socket.once('connect', resolve);
      link.socket.once('error', reject);
    });
    return link;
  }

  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  get text(): string {
    return this.received.toString('latin1');
  }

  /** Waits until the hub has answered `expected` `times` times in all. */
  answered(expected: string, times = 1): Promise<true> {
    return eventually(() => this.text.split(expected).length - 1 >= times);
  }

  /** The JT/T 808 frames the hub sent so far. */
  jt808Frames(): Buffer[] {
    return createFramer(4096).push(this.received);
  }

  end(): void {
    this.socket.destroy();
  }
}

/**
 * A JT/T 808 terminal's opening on a link: it registers (0x0100), takes the code the hub answers
 * (0x8100) and authenticates with it (0x0102) until the hub's general answer says success.
 * Resolves with the terminal's phone field, for its later frames.
 */
export async function authenticateJt808(link: DeviceLink, terminal: string): Promise<Buffer> {
  const phone = phoneField(terminal, EDITION_2013);
  // 0x0100 2013: province, city, maker (5), model (20), terminal id (7), plate colour, plate.
  const registration = Buffer.concat([
    Buffer.from('001f0073', 'hex'),
    Buffer.from('63640', 'latin1'),
    Buffer.alloc(20),
    Buffer.from('7654321', 'latin1'),
    Buffer.of(1),
  ]);
  link.send(writeFrame(0x0100, EDITION_2013, phone, 0, registration));
  const registered = await eventually(() =>
    link
      .jt808Frames()
      .map(readFrame)
      .find((frame) => frame.messageId === 0x8100),
  );
  if (registered.body[2] !== 0) throw new Error(`registration refused: result ${registered.body[2]}`);
  link.send(writeFrame(0x0102, EDITION_2013, phone, 1, registered.body.subarray(3)));
  await eventually(() =>
    link
      .jt808Frames()
      .map(readFrame)
      .some(
        (frame) => frame.messageId === 0x8001 && frame.body.readUInt16BE(2) === 0x0102 && frame.body[4] === 0,
      ),
  );
  return phone;
}
