/**
 * MQTT 5 devices on a broker that speaks MQTT 3.1 and 3.1.1: aedes 1.2.0 answers a CONNECT of
 * protocol level 5 with return code 1. A connection whose CONNECT names level 5 gets one translator
 * between its socket and aedes (packet-guard.ts): every packet from the device is read as MQTT 5,
 * checked, and written again in its 3.1.1 form for aedes; every packet aedes writes is read as
 * 3.1.1 and written again as MQTT 5. Authentication, the topic ACL, the acknowledgement of events
 * once they are stored, wills and retained status stay aedes' and the gateway's, so a version 5
 * device is held to the same rules as a 3.1.1 one and gets the same answers, in MQTT 5's words.
 *
 * Honoured: reason codes in every acknowledgement; the CONNACK's properties (Topic Alias Maximum,
 * Maximum Packet Size, Receive Maximum, what is and is not available); topic aliases from the
 * device; Clean Start with Session Expiry Interval (mapped onto 3.1.1's clean session, see
 * `connect`); the device's own Maximum Packet Size and Receive Maximum for what the hub sends it;
 * DISCONNECT with a reason, 0x04 publishing the will.
 * Not honoured, by design or because 3.1.1 cannot carry it through aedes: a Will Delay Interval (the
 * will is published at once, as for 3.1.1); the will's and a PUBLISH's properties (user properties,
 * content type, response topic, correlation data, message expiry), which are dropped; subscription
 * options No Local, Retain As Published and Retain Handling (a subscription behaves as in 3.1.1,
 * which is their default); a Session Expiry Interval as a time (a kept session lasts until the
 * device starts a clean one or is revoked, and the CONNACK says so); shared subscriptions and
 * subscription identifiers (refused, as the CONNACK announces); enhanced authentication (refused
 * with 0x8C); topic aliases from the hub to the device (none are sent).
 *
 * One file of some 800 lines on purpose: it is one mapping, every packet type in both directions,
 * and each direction's handling of a packet reads against the other's.
 */
import {
  generate,
  type IConnackPacket,
  type IConnectPacket,
  type IPublishPacket,
  type Packet,
  type Parser,
  parser as packetParser,
} from 'mqtt-packet';

/** MQTT 5 reason codes the translator writes (MQTT 5.0, 2.4). */
export const REASON = {
  success: 0x00,
  unspecifiedError: 0x80,
  malformedPacket: 0x81,
  protocolError: 0x82,
  implementationSpecificError: 0x83,
  unsupportedProtocolVersion: 0x84,
  clientIdentifierNotValid: 0x85,
  badUserNameOrPassword: 0x86,
  notAuthorized: 0x87,
  serverUnavailable: 0x88,
  badAuthenticationMethod: 0x8c,
  keepAliveTimeout: 0x8d,
  receiveMaximumExceeded: 0x93,
  topicAliasInvalid: 0x94,
  packetTooLarge: 0x95,
  quotaExceeded: 0x97,
  sharedSubscriptionsNotSupported: 0x9e,
  subscriptionIdentifiersNotSupported: 0xa1,
} as const;

/** Topic aliases a device may set on this connection; a device uses three topics. */
export const TOPIC_ALIAS_MAXIMUM = 16;

/**
 * The 3.1.1 CONNACK return codes and the MQTT 5 reason codes that say the same (MQTT 5.0, 3.2.2.2):
 * 1 unacceptable protocol version, 2 identifier rejected, 3 server unavailable, 4 bad user name or
 * password, 5 not authorized.
 */
const CONNACK_REASONS: Record<number, number> = {
  0: REASON.success,
  1: REASON.unsupportedProtocolVersion,
  2: REASON.clientIdentifierNotValid,
  3: REASON.serverUnavailable,
  4: REASON.badUserNameOrPassword,
  5: REASON.notAuthorized,
};

/** 3.1.1's SUBACK failure: the ACL refused the filter. */
const SUBACK_FAILURE = 0x80;

/** QoS 1 and 2 PUBLISH packets a device takes unacknowledged when it names no Receive Maximum (3.1.2.11.3). */
const RECEIVE_MAXIMUM_DEFAULT = 65_535;
/** The largest packet MQTT can describe, when the device names no Maximum Packet Size (3.1.2.11.4). */
const PACKET_SIZE_DEFAULT = 268_435_460;
/** A Session Expiry Interval of this value never expires (3.1.2.11.2). */
const SESSION_NEVER_EXPIRES = 0xffff_ffff;
/**
 * Bytes of PUBLISH packets held for a device that has its Receive Maximum of them unacknowledged;
 * past it the device is not reading what it is sent, and the connection ends as for a full socket.
 */
const WAITING_BYTES_MAXIMUM = 1024 * 1024;

const V5 = { protocolVersion: 5 };
const PINGREQ = Buffer.from([0xc0, 0x00]);
const PINGRESP = Buffer.from([0xd0, 0x00]);
const DISCONNECT_311 = Buffer.from([0xe0, 0x00]);
/** The protocol name of a CONNECT of MQTT 3.1.1 and 5: its length, then "MQTT" [MQTT-3.1.2-1]. */
const PROTOCOL_NAME = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54]);

/** Why a translator ends a connection, as `hub_mqtt_connections_closed_total` counts it. */
export type Mqtt5Refusal = 'malformed_packet' | 'bad_connect' | 'receive_maximum' | 'send_quota';

export interface Mqtt5Options {
  /** The largest packet the connection takes now (a Zigbee2MQTT bridge's is raised once it is known). */
  maxPacketBytes: () => number;
  /** QoS 1 and 2 PUBLISH packets the device may have unacknowledged at once; announced in CONNACK. */
  receiveMaximum: number;
}

/** What one piece of input gives, in order, for each side. */
export interface Translation {
  /** MQTT 3.1.1 bytes for aedes. */
  toBroker: Buffer[];
  /** MQTT 5 bytes for the device. */
  toClient: Buffer[];
  /**
   * The connection ends after these bytes. With a `reason` the hub ended it (counted, and the last
   * bytes for the device are a CONNACK or DISCONNECT saying why, where MQTT 5 allows one); without
   * one the device left with a DISCONNECT that asks for its will, which aedes publishes as the
   * connection closes without a DISCONNECT of its own.
   */
  end?: { reason?: Mqtt5Refusal; detail: string };
}

type Stage = 'connect' | 'connecting' | 'connected' | 'refused' | 'closed';

/** Properties as mqtt-packet reads them: a property given twice becomes an array. */
type Properties = Record<string, unknown> | undefined;

/**
 * The first property that is given twice (a Protocol Error for every property but User Property,
 * MQTT 5.0 2.2.2.2), or cut short (mqtt-packet reads a truncated integer as -1, a string as null).
 */
function badProperty(properties: Properties): string | undefined {
  if (!properties) return undefined;
  for (const [name, value] of Object.entries(properties)) {
    if (name === 'userProperties') continue;
    if (Array.isArray(value)) return `${name} given more than once`;
    if (value === null || (typeof value === 'number' && value < 0)) return `${name} cut short`;
  }
  return undefined;
}

function hex(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')}`;
}

/** Cuts a byte stream into whole MQTT packets by their fixed headers (MQTT 5.0 2.1.4). */
export class PacketFramer {
  /** The start of a packet cut between chunks, kept until the packet is whole. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Length of that packet once its fixed header has come, else 0. */
  private needed = 0;

  /** The packets completed by `chunk`; null when a remaining length runs past four bytes [MQTT-1.5.5-1]. */
  split(chunk: Buffer): Buffer[] | null {
    let bytes = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      // A large packet in many chunks is joined once, when it is whole.
      if (this.needed > 0 && this.pendingBytes < this.needed) return [];
      bytes = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    const packets: Buffer[] = [];
    let start = 0;
    while (start < bytes.length) {
      let remaining = 0;
      let multiplier = 1;
      let lengthBytes = 0;
      let complete = false;
      while (start + 1 + lengthBytes < bytes.length) {
        const byte = bytes[start + 1 + lengthBytes] as number;
        lengthBytes += 1;
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
        if (lengthBytes === 4) return null;
      }
      const end = start + 1 + lengthBytes + remaining;
      if (!complete || end > bytes.length) {
        this.needed = complete ? end - start : 0;
        break;
      }
      packets.push(bytes.subarray(start, end));
      start = end;
    }
    if (start < bytes.length) {
      // Copied, so the chunk it came in is not kept alive for it.
      this.pending = [Buffer.from(bytes.subarray(start))];
      this.pendingBytes = bytes.length - start;
    }
    return packets;
  }
}

/**
 * Reads one whole packet at a time with mqtt-packet, so no field of one packet can be read from the
 * bytes of the next: a length that runs past its packet is an error here, not a read further on.
 */
class PacketReader {
  private parser: Parser;
  private packet: Packet | undefined;
  private error: Error | undefined;

  constructor(private readonly protocolVersion: 4 | 5) {
    this.parser = this.create();
  }

  read(bytes: Buffer): Packet | Error {
    this.packet = undefined;
    this.error = undefined;
    try {
      this.parser.parse(bytes);
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(String(error));
    }
    const { packet, error } = this;
    if (error || !packet) {
      // A parser stopped half-way keeps what it read; nothing after this packet is read anyway.
      this.parser = this.create();
      return error ?? new Error('packet not complete');
    }
    return packet;
  }

  private create(): Parser {
    const parser = packetParser({ protocolVersion: this.protocolVersion });
    parser.on('packet', (packet) => {
      this.packet = packet;
    });
    parser.on('error', (error: Error) => {
      this.error ??= error;
    });
    return parser;
  }
}

/** A CONNACK refusing a CONNECT before it reaches aedes [MQTT-3.2.2-6, MQTT-3.2.2-7]. */
export function refusingConnack(reasonCode: number): Buffer {
  return generate({ cmd: 'connack', reasonCode, sessionPresent: false }, V5);
}

/**
 * The protocol level of the CONNECT at the start of `bytes`, as soon as its bytes are there; 'wait'
 * until then; undefined when the first packet is not a CONNECT named "MQTT" [MQTT-3.1.2-1], which
 * then goes to aedes as it is. Only the fixed header, the protocol name and the level are read.
 */
export function connectLevel(bytes: Buffer): number | 'wait' | undefined {
  if (bytes.length === 0) return 'wait';
  if ((bytes[0] as number) >> 4 !== 1) return undefined;
  let remaining = 0;
  let multiplier = 1;
  let index = 1;
  for (;;) {
    if (index >= bytes.length) return 'wait';
    const byte = bytes[index] as number;
    index += 1;
    remaining += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) break;
    if (index > 4) return undefined;
  }
  const end = index + remaining;
  const level = index + PROTOCOL_NAME.length;
  if (end <= level) return undefined;
  // The protocol name so far must be the start of "MQTT"; the level follows it.
  const name = bytes.subarray(index, level);
  if (!PROTOCOL_NAME.subarray(0, name.length).equals(name)) return undefined;
  if (bytes.length <= level) return 'wait';
  return bytes[level] as number;
}

/**
 * Translates one MQTT 5 connection: `fromClient` takes the device's bytes, `fromBroker` aedes'.
 * It keeps what a connection needs: the device's topic aliases, the packets in flight each way
 * (for the Receive Maximum of both sides) and the filter counts of unanswered UNSUBSCRIBEs.
 */
export class Mqtt5Translator {
  private stage: Stage = 'connect';
  private readonly clientFramer = new PacketFramer();
  private readonly brokerFramer = new PacketFramer();
  private readonly clientReader = new PacketReader(5);
  private readonly brokerReader = new PacketReader(4);
  private cleanStart = true;
  private sessionExpiry = 0;
  private clientMaximumPacketSize = PACKET_SIZE_DEFAULT;
  private clientReceiveMaximum = RECEIVE_MAXIMUM_DEFAULT;
  /** The device's topic aliases: per connection only [MQTT-3.3.2-7]; their topics passed the ACL. */
  private readonly aliases = new Map<number, string>();
  /** QoS 1 and 2 PUBLISH packets from the device not yet answered by aedes (PUBACK, PUBCOMP). */
  private readonly received = new Set<number>();
  /** QoS 1 and 2 PUBLISH packets sent to the device and not yet acknowledged by it. */
  private readonly sent = new Set<number>();
  /** PUBLISH packets waiting for the device to acknowledge others [MQTT-3.3.4-9]. */
  private readonly waiting: { messageId: number; bytes: Buffer }[] = [];
  private waitingBytes = 0;
  /** QoS 2 deliveries that end here: aedes' PUBREL for them is answered with a PUBCOMP, unsent. */
  private readonly completedHere = new Set<number>();
  /** Topic filters of each UNSUBSCRIBE not yet answered, for its UNSUBACK's reason codes. */
  private readonly unsubscribing = new Map<number, number>();

  constructor(private readonly options: Mqtt5Options) {}

  /** True once aedes accepted the CONNECT and the device was told so. */
  get connected(): boolean {
    return this.stage === 'connected';
  }

  /** The device's bytes: MQTT 5 in, 3.1.1 out for aedes. */
  fromClient(chunk: Buffer): Translation {
    const out: Translation = { toBroker: [], toClient: [] };
    // [MQTT-3.1.4-6] nothing after a refused CONNECT; [MQTT-3.14.4-1] nothing after DISCONNECT.
    if (this.stage === 'refused' || this.stage === 'closed') return out;
    const packets = this.clientFramer.split(chunk);
    if (!packets)
      return this.fail(out, REASON.malformedPacket, 'malformed_packet', 'remaining length over four bytes');
    for (const bytes of packets) {
      const packet = this.clientReader.read(bytes);
      if (packet instanceof Error)
        return this.fail(out, REASON.malformedPacket, 'malformed_packet', packet.message);
      try {
        this.fromDevice(packet, out);
      } catch (error) {
        // mqtt-packet refuses to write what it cannot encode: a value the device should not have sent.
        const detail = error instanceof Error ? error.message : String(error);
        return this.fail(out, REASON.malformedPacket, 'malformed_packet', detail);
      }
      if (out.end || (this.stage as Stage) === 'closed') break;
    }
    return out;
  }

  /** aedes' bytes: 3.1.1 in, MQTT 5 out for the device. */
  fromBroker(chunk: Buffer): Translation {
    const out: Translation = { toBroker: [], toClient: [] };
    if (this.stage === 'closed') return out;
    const packets = this.brokerFramer.split(chunk) ?? [];
    for (const bytes of packets) {
      const packet = this.brokerReader.read(bytes);
      if (packet instanceof Error) {
        this.stage = 'closed';
        out.end = { detail: `broker packet not translated: ${packet.message}` };
        return out;
      }
      this.toDevice(packet, out);
      if (out.end) break;
    }
    return out;
  }

  /**
   * The packet that tells the device why the hub closes its connection, where MQTT 5 allows one:
   * a CONNACK while its CONNECT has not reached aedes, a DISCONNECT once it was accepted
   * [MQTT-3.14.0-1], nothing in between or after. Afterwards nothing more is translated.
   */
  farewell(reasonCode: number): Buffer | undefined {
    const stage = this.stage;
    this.stage = 'closed';
    if (stage === 'connect') return refusingConnack(reasonCode);
    if (stage === 'connected') return generate({ cmd: 'disconnect', reasonCode }, V5);
    return undefined;
  }

  private fail(out: Translation, reasonCode: number, reason: Mqtt5Refusal, detail: string): Translation {
    const farewell = this.farewell(reasonCode);
    if (farewell) out.toClient.push(farewell);
    out.end = { reason, detail };
    return out;
  }

  private fromDevice(packet: Packet, out: Translation): void {
    // Packet types only the server sends, a second CONNECT [MQTT-3.1.0-2], and AUTH without an
    // Authentication Method in the CONNECT (3.15) are Protocol Errors.
    if (packet.cmd !== 'connect' && this.stage === 'connect') {
      this.fail(out, REASON.protocolError, 'malformed_packet', `${packet.cmd} before CONNECT`);
      return;
    }
    switch (packet.cmd) {
      case 'connect':
        if (this.stage !== 'connect') {
          this.fail(out, REASON.protocolError, 'malformed_packet', 'second CONNECT');
          return;
        }
        this.connect(packet, out);
        return;
      case 'publish':
        this.publishFromDevice(packet, out);
        return;
      case 'puback':
        this.acknowledged(packet.messageId, out);
        out.toBroker.push(generate({ cmd: 'puback', messageId: packet.messageId as number }));
        return;
      case 'pubrec':
        // A PUBREC of 0x80 or more ends the exchange at the device (4.3.3): aedes, which knows only
        // 3.1.1, goes on with PUBREL, and that PUBREL is answered here.
        if ((packet.reasonCode ?? 0) >= 0x80) {
          this.completedHere.add(packet.messageId as number);
          this.acknowledged(packet.messageId, out);
        }
        out.toBroker.push(generate({ cmd: 'pubrec', messageId: packet.messageId as number }));
        return;
      case 'pubrel':
        out.toBroker.push(generate({ cmd: 'pubrel', messageId: packet.messageId as number }));
        return;
      case 'pubcomp':
        this.acknowledged(packet.messageId, out);
        out.toBroker.push(generate({ cmd: 'pubcomp', messageId: packet.messageId as number }));
        return;
      case 'subscribe': {
        const problem = badProperty(packet.properties);
        if (problem) {
          this.fail(out, REASON.protocolError, 'malformed_packet', problem);
          return;
        }
        // The CONNACK said neither is available: using one is a Protocol Error (3.2.2.3.12, 3.2.2.3.13).
        if (packet.properties?.subscriptionIdentifier !== undefined) {
          this.fail(
            out,
            REASON.subscriptionIdentifiersNotSupported,
            'malformed_packet',
            'subscription identifier',
          );
          return;
        }
        if (packet.subscriptions.some(({ topic }) => topic.startsWith('$share/'))) {
          this.fail(out, REASON.sharedSubscriptionsNotSupported, 'malformed_packet', 'shared subscription');
          return;
        }
        // No Local, Retain As Published and Retain Handling have no 3.1.1 form: dropped.
        out.toBroker.push(
          generate({
            cmd: 'subscribe',
            messageId: packet.messageId as number,
            subscriptions: packet.subscriptions.map(({ topic, qos }) => ({ topic, qos })),
          }),
        );
        return;
      }
      case 'unsubscribe':
        this.unsubscribing.set(packet.messageId as number, packet.unsubscriptions.length);
        out.toBroker.push(
          generate({
            cmd: 'unsubscribe',
            messageId: packet.messageId as number,
            unsubscriptions: packet.unsubscriptions,
          }),
        );
        return;
      case 'pingreq':
        out.toBroker.push(PINGREQ);
        return;
      case 'disconnect':
        this.disconnect(packet.reasonCode ?? REASON.success, packet.properties?.sessionExpiryInterval, out);
        return;
      case 'auth':
        this.fail(out, REASON.protocolError, 'malformed_packet', 'AUTH without an authentication method');
        return;
      default:
        this.fail(out, REASON.protocolError, 'malformed_packet', `${packet.cmd} from a client`);
    }
  }

  /**
   * CONNECT in its 3.1.1 form. Clean Start and the Session Expiry Interval become 3.1.1's clean
   * session: aedes keeps a session (clean = false) when the device asks for one that outlives the
   * connection (expiry > 0) and resumes it (Clean Start 0). Clean Start 1 must discard a stored
   * session [MQTT-3.1.2-4], which aedes does only for a clean session; such a connection's session
   * then ends with it, and the CONNACK says so with a Session Expiry Interval of 0 (3.2.2.3.2).
   * A session kept is kept until the device starts a clean one or is revoked; the CONNACK says so
   * with 0xFFFFFFFF. An empty client id (refused anyway: a device's client id is its id) stays clean.
   */
  private connect(packet: IConnectPacket, out: Translation): void {
    const properties = packet.properties;
    const problem = badProperty(properties) ?? badProperty(packet.will?.properties);
    if (problem) {
      this.fail(out, REASON.protocolError, 'malformed_packet', problem);
      return;
    }
    // [MQTT-4.12.0-1] an authentication method the server does not support: 0x8C, then close.
    if (properties?.authenticationMethod !== undefined) {
      this.fail(
        out,
        REASON.badAuthenticationMethod,
        'bad_connect',
        'enhanced authentication is not supported',
      );
      return;
    }
    // 3.1.2.11: Authentication Data without a method, a Receive Maximum or Maximum Packet Size of 0.
    if (
      properties?.authenticationData !== undefined ||
      properties?.receiveMaximum === 0 ||
      properties?.maximumPacketSize === 0
    ) {
      this.fail(out, REASON.protocolError, 'malformed_packet', 'CONNECT property out of range');
      return;
    }
    if (packet.will && !packet.will.topic) {
      this.fail(out, REASON.protocolError, 'malformed_packet', 'empty will topic');
      return;
    }
    this.cleanStart = packet.clean !== false;
    this.sessionExpiry = properties?.sessionExpiryInterval ?? 0;
    this.clientMaximumPacketSize = properties?.maximumPacketSize ?? PACKET_SIZE_DEFAULT;
    this.clientReceiveMaximum = properties?.receiveMaximum ?? RECEIVE_MAXIMUM_DEFAULT;
    const clean = this.cleanStart || this.sessionExpiry === 0 || !packet.clientId;
    const will = packet.will;
    const connect: IConnectPacket = {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean,
      keepalive: packet.keepalive ?? 0,
      clientId: packet.clientId,
      // A Will Delay Interval is not honoured: the will is published as the connection ends.
      ...(will
        ? {
            will: {
              topic: will.topic,
              payload: will.payload,
              qos: will.qos ?? 0,
              retain: will.retain === true,
            },
          }
        : {}),
      // MQTT 5 allows a password without a user name, 3.1.1 does not [MQTT-3.1.2-22 in 3.1.1]: a
      // device without a user name is refused as not authorized either way.
      ...(packet.username !== undefined
        ? {
            username: packet.username,
            ...(packet.password !== undefined ? { password: packet.password } : {}),
          }
        : {}),
    };
    out.toBroker.push(generate(connect));
    this.stage = 'connecting';
  }

  private publishFromDevice(packet: IPublishPacket, out: Translation): void {
    const properties = packet.properties;
    const problem = badProperty(properties);
    if (problem) {
      this.fail(out, REASON.protocolError, 'malformed_packet', problem);
      return;
    }
    if (properties?.subscriptionIdentifier !== undefined) {
      // [MQTT-3.3.4-6]
      this.fail(out, REASON.protocolError, 'malformed_packet', 'subscription identifier from a client');
      return;
    }
    if (properties?.responseTopic !== undefined && /[+#]/.test(properties.responseTopic)) {
      // [MQTT-3.3.2-14]
      this.fail(out, REASON.protocolError, 'malformed_packet', 'wildcard in the response topic');
      return;
    }
    let topic = packet.topic;
    const alias = properties?.topicAlias;
    if (alias !== undefined) {
      // [MQTT-3.3.2-8] never 0; [MQTT-3.2.2-17, MQTT-3.3.2-9] never above the CONNACK's maximum.
      if (alias === 0 || alias > TOPIC_ALIAS_MAXIMUM) {
        this.fail(out, REASON.topicAliasInvalid, 'malformed_packet', `topic alias ${alias}`);
        return;
      }
      if (topic) this.aliases.set(alias, topic);
      else topic = this.aliases.get(alias) ?? '';
    }
    if (!topic) {
      // 3.3.2.1: an empty topic without an alias, or with one never set, is a Protocol Error.
      this.fail(
        out,
        REASON.protocolError,
        'malformed_packet',
        `empty topic, ${alias === undefined ? 'no alias' : `unknown alias ${alias}`}`,
      );
      return;
    }
    if (packet.qos > 0) {
      this.received.add(packet.messageId as number);
      // 3.3.4: more unacknowledged QoS 1 and 2 PUBLISH packets than the CONNACK's Receive Maximum.
      if (this.received.size > this.options.receiveMaximum) {
        this.fail(
          out,
          REASON.receiveMaximumExceeded,
          'receive_maximum',
          `more than ${this.options.receiveMaximum} unacknowledged publishes`,
        );
        return;
      }
    }
    out.toBroker.push(
      generate({
        cmd: 'publish',
        topic,
        payload: packet.payload,
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
        ...(packet.qos > 0 ? { messageId: packet.messageId as number } : {}),
      }),
    );
  }

  /**
   * [MQTT-3.14.4-3] DISCONNECT 0x00 discards the will: aedes gets its own DISCONNECT. Any other
   * reason (0x04 asks for the will) leaves the will to be published [MQTT-3.1.2-8, MQTT-3.1.2-10]:
   * aedes sees the connection end without a DISCONNECT, as when a device drops.
   */
  private disconnect(reasonCode: number, sessionExpiry: number | undefined, out: Translation): void {
    // 3.14.2.2.2: a session that was to end with the connection cannot be given an expiry now; such
    // a DISCONNECT is not a valid one, so the will is published.
    if (this.sessionExpiry === 0 && sessionExpiry !== undefined && sessionExpiry > 0) {
      this.fail(out, REASON.protocolError, 'malformed_packet', 'session expiry set at DISCONNECT');
      return;
    }
    this.stage = 'closed';
    if (reasonCode === REASON.success) {
      out.toBroker.push(DISCONNECT_311);
      return;
    }
    out.end = { detail: `device disconnected with reason ${hex(reasonCode)}: its will is published` };
  }

  /** The device acknowledged a PUBLISH of the hub: one more may go [MQTT-3.3.4-9]. */
  private acknowledged(messageId: number | undefined, out: Translation): void {
    if (messageId === undefined || !this.sent.delete(messageId)) return;
    while (this.waiting.length > 0 && this.sent.size < this.clientReceiveMaximum) {
      const next = this.waiting.shift() as { messageId: number; bytes: Buffer };
      this.waitingBytes -= next.bytes.length;
      this.sent.add(next.messageId);
      out.toClient.push(next.bytes);
    }
  }

  private toDevice(packet: Packet, out: Translation): void {
    switch (packet.cmd) {
      case 'connack':
        this.connack(packet, out);
        return;
      case 'publish':
        this.publishToDevice(packet, out);
        return;
      case 'puback':
        this.received.delete(packet.messageId as number);
        out.toClient.push(
          generate({ cmd: 'puback', messageId: packet.messageId as number, reasonCode: 0 }, V5),
        );
        return;
      case 'pubrec':
        out.toClient.push(
          generate({ cmd: 'pubrec', messageId: packet.messageId as number, reasonCode: 0 }, V5),
        );
        return;
      case 'pubrel': {
        const messageId = packet.messageId as number;
        if (this.completedHere.delete(messageId)) {
          out.toBroker.push(generate({ cmd: 'pubcomp', messageId }));
          return;
        }
        out.toClient.push(generate({ cmd: 'pubrel', messageId, reasonCode: 0 }, V5));
        return;
      }
      case 'pubcomp':
        this.received.delete(packet.messageId as number);
        out.toClient.push(
          generate({ cmd: 'pubcomp', messageId: packet.messageId as number, reasonCode: 0 }, V5),
        );
        return;
      case 'suback':
        out.toClient.push(
          generate(
            {
              cmd: 'suback',
              messageId: packet.messageId as number,
              // [MQTT-3.9.3-1] in order; 3.1.1's one failure code is the ACL's refusal: Not authorized.
              granted: (packet.granted as number[]).map((code) =>
                code === SUBACK_FAILURE ? REASON.notAuthorized : code,
              ),
            },
            V5,
          ),
        );
        return;
      case 'unsuback': {
        const messageId = packet.messageId as number;
        // [MQTT-3.11.3-1, MQTT-3.11.3-2] one reason code per topic filter of the UNSUBSCRIBE.
        const filters = this.unsubscribing.get(messageId) ?? 1;
        this.unsubscribing.delete(messageId);
        out.toClient.push(
          generate(
            { cmd: 'unsuback', messageId, granted: new Array<number>(filters).fill(REASON.success) },
            V5,
          ),
        );
        return;
      }
      case 'pingresp':
        out.toClient.push(PINGRESP);
        return;
      default:
        // aedes writes nothing else to a client.
        return;
    }
  }

  private connack(packet: IConnackPacket, out: Translation): void {
    if (this.stage !== 'connecting') return;
    const reasonCode = CONNACK_REASONS[packet.returnCode ?? 0] ?? REASON.unspecifiedError;
    if (reasonCode !== REASON.success) {
      this.stage = 'refused';
      // [MQTT-3.2.2-6] no session present with a refusal; aedes closes the connection [MQTT-3.2.2-7].
      out.toClient.push(refusingConnack(reasonCode));
      return;
    }
    this.stage = 'connected';
    const properties: NonNullable<IConnackPacket['properties']> = {
      receiveMaximum: this.options.receiveMaximum,
      topicAliasMaximum: TOPIC_ALIAS_MAXIMUM,
      maximumPacketSize: this.options.maxPacketBytes(),
      retainAvailable: true,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: false,
      sharedSubscriptionAvailable: false,
    };
    if (this.sessionExpiry > 0 && this.cleanStart) properties.sessionExpiryInterval = 0;
    else if (this.sessionExpiry > 0 && this.sessionExpiry !== SESSION_NEVER_EXPIRES)
      properties.sessionExpiryInterval = SESSION_NEVER_EXPIRES;
    out.toClient.push(
      generate(
        {
          cmd: 'connack',
          reasonCode,
          // [MQTT-3.2.2-2] Clean Start 1 is accepted with no session present.
          sessionPresent: !this.cleanStart && packet.sessionPresent,
          properties,
        },
        V5,
      ),
    );
  }

  private publishToDevice(packet: IPublishPacket, out: Translation): void {
    const messageId = packet.messageId as number;
    const bytes = generate(
      {
        cmd: 'publish',
        topic: packet.topic,
        payload: packet.payload,
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
        ...(packet.qos > 0 ? { messageId } : {}),
      },
      V5,
    );
    if (bytes.length > this.clientMaximumPacketSize) {
      // [MQTT-3.1.2-24] never more than the device takes; [MQTT-3.1.2-25] dropped as if delivered:
      // aedes hears the acknowledgement the device would have sent.
      if (packet.qos === 1) out.toBroker.push(generate({ cmd: 'puback', messageId }));
      if (packet.qos === 2) {
        this.completedHere.add(messageId);
        out.toBroker.push(generate({ cmd: 'pubrec', messageId }));
      }
      return;
    }
    if (packet.qos === 0) {
      out.toClient.push(bytes);
      return;
    }
    if (this.sent.size >= this.clientReceiveMaximum) {
      // [MQTT-3.3.4-9] it waits; [MQTT-3.3.4-10] nothing else does.
      this.waiting.push({ messageId, bytes });
      this.waitingBytes += bytes.length;
      if (this.waitingBytes > WAITING_BYTES_MAXIMUM) {
        this.fail(out, REASON.quotaExceeded, 'send_quota', 'the device does not acknowledge what it is sent');
      }
      return;
    }
    this.sent.add(messageId);
    out.toClient.push(bytes);
  }
}

/**
 * The DISCONNECT reason for aedes ending an MQTT 5 connection with an error, from its metric reason
 * (limits.ts `refusalOf`): the keep-alive and the broker's limits have their own codes; the topic
 * ACL, a device revoked or an event not stored in time (the device sends it again) are "Unspecified
 * error", as 3.1.1 says nothing at all about them.
 */
export function disconnectReasonFor(refusal: string | undefined): number | undefined {
  switch (refusal) {
    case 'keepalive_timeout':
      return REASON.keepAliveTimeout;
    // A topic or filter deeper than the hub takes: valid MQTT, refused by this server.
    case 'topic_levels':
      return REASON.implementationSpecificError;
    case 'qos2_window':
      return REASON.receiveMaximumExceeded;
    case 'malformed_packet':
      return REASON.protocolError;
    // A client that does not read gets nothing more.
    case 'drain_timeout':
      return undefined;
    default:
      return REASON.unspecifiedError;
  }
}
