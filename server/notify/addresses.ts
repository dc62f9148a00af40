/**
 * Which addresses a webhook may be sent to. A webhook target is typed in by staff and the hub
 * POSTs to it on every alert change, so a target inside the centre's own network (the hub itself,
 * a local database, a router, a cloud's metadata service) would let the hub be steered against its
 * neighbours (OWASP ASVS 5.2.6, server-side request forgery). Only addresses meant to be reached
 * across the internet pass: the special-purpose ranges of the IANA registries (RFC 6890, RFC 8190)
 * and the hub host's own interface addresses are refused, unless the centre's allow-list
 * (HUB_NOTIFY_ALLOWED_NETWORKS) names them — a centre's own SMS gateway may sit on its LAN.
 *
 * Pure: no I/O. The caller supplies the host's interface addresses and judges each address it is
 * about to dial (server/notify/transports.ts).
 */
import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';

/** Why an address is refused; the server log names it, the delivery log says only "not allowed". */
export type Refusal =
  | 'this-network'
  | 'private'
  | 'shared'
  | 'loopback'
  | 'link-local'
  | 'reserved'
  | 'documentation'
  | 'benchmark'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'unique-local'
  | 'site-local'
  | 'own-interface'
  | 'not-an-address';

export type Family = 'ipv4' | 'ipv6';

/** One entry of an allow-list: an address and how many leading bits name the network. */
export interface Network {
  address: string;
  prefix: number;
  family: Family;
}

/** The refused IPv4 ranges, each with its reason, first match wins (IANA IPv4 special registry). */
const IPV4_REFUSED: readonly (readonly [Refusal, string, number])[] = [
  // RFC 1122 3.2.1.3: "this host on this network"; Linux dials 0.0.0.0 as the host itself.
  ['this-network', '0.0.0.0', 8],
  ['private', '10.0.0.0', 8], // RFC 1918
  // RFC 6598 shared address space (carrier-grade NAT); Alibaba Cloud's metadata service is
  // 100.100.100.200.
  ['shared', '100.64.0.0', 10],
  ['loopback', '127.0.0.0', 8], // RFC 1122 3.2.1.3
  // RFC 3927; the metadata service of most clouds is 169.254.169.254.
  ['link-local', '169.254.0.0', 16],
  ['private', '172.16.0.0', 12], // RFC 1918
  ['reserved', '192.0.0.0', 24], // RFC 6890 2.2.2: IETF protocol assignments
  ['documentation', '192.0.2.0', 24], // RFC 5737 TEST-NET-1
  ['reserved', '192.88.99.0', 24], // RFC 7526: the retired 6to4 relay anycast
  ['private', '192.168.0.0', 16], // RFC 1918
  ['benchmark', '198.18.0.0', 15], // RFC 2544
  ['documentation', '198.51.100.0', 24], // RFC 5737 TEST-NET-2
  ['documentation', '203.0.113.0', 24], // RFC 5737 TEST-NET-3
  ['multicast', '224.0.0.0', 4], // RFC 5771
  ['broadcast', '255.255.255.255', 32], // RFC 919 limited broadcast
  ['reserved', '240.0.0.0', 4], // RFC 1112 4: reserved for future use
];

/**
 * The refused IPv6 ranges (IANA IPv6 special registry), first match wins. Addresses that carry an
 * IPv4 address are judged by that address before these (see `embeddedIpv4`).
 */
const IPV6_REFUSED: readonly (readonly [Refusal, string, number])[] = [
  ['unspecified', '::', 128], // RFC 4291 2.5.2
  ['loopback', '::1', 128], // RFC 4291 2.5.3
  // RFC 4193 unique local addresses; AWS's metadata service is fd00:ec2::254.
  ['unique-local', 'fc00::', 7],
  ['link-local', 'fe80::', 10], // RFC 4291 2.5.6
  ['site-local', 'fec0::', 10], // RFC 3879: deprecated, still routed inside some sites
  ['multicast', 'ff00::', 8], // RFC 4291 2.7
  ['documentation', '2001:db8::', 32], // RFC 3849
  ['documentation', '3fff::', 20], // RFC 9637
  ['benchmark', '2001:2::', 48], // RFC 5180
  ['reserved', '2001::', 23], // RFC 2928: IETF protocol assignments (Teredo among them)
  ['reserved', '100::', 64], // RFC 6666 discard-only
  ['reserved', '64:ff9b:1::', 48], // RFC 8215 local-use IPv4/IPv6 translation
  // Only global unicast, 2000::/3 (RFC 4291 2.4), is meant for the internet: the rest of the space
  // is reserved or unassigned, IPv4-compatible (::/96) and IPv4-translated (::ffff:0:0:0/96) too.
  ['reserved', '::', 3],
  ['reserved', '4000::', 2],
  ['reserved', '8000::', 1],
];

function rangeLists(
  table: readonly (readonly [Refusal, string, number])[],
  family: Family,
): { refusal: Refusal; list: BlockList }[] {
  return table.map(([refusal, address, prefix]) => {
    const list = new BlockList();
    list.addSubnet(address, prefix, family);
    return { refusal, list };
  });
}

const IPV4_RANGES = rangeLists(IPV4_REFUSED, 'ipv4');
const IPV6_RANGES = rangeLists(IPV6_REFUSED, 'ipv6');

/** An address without the brackets of a URL's host or an IPv6 zone (`fe80::1%eth0`). */
export function bareAddress(text: string): string {
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = unbracketed.indexOf('%');
  return zone === -1 ? unbracketed : unbracketed.slice(0, zone);
}

/** The eight 16-bit words of an IPv6 address `isIPv6` accepted (`::` and a dotted tail expanded). */
function ipv6Words(address: string): number[] {
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const words = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [first = 0, second = 0, third = 0, fourth = 0] = piece.split('.').map(Number);
        out.push((first << 8) | second, (third << 8) | fourth);
      } else {
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const front = words(head);
  if (tail === undefined) return front;
  const back = words(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function dotted(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address stands for, when it does: IPv4-mapped ::ffff:0:0/96 (RFC 4291
 * 2.5.5.2, which a dual-stack socket dials as the IPv4 address), the NAT64 well-known prefix
 * 64:ff9b::/96 (RFC 6052 2.1) and 6to4 2002::/16 (RFC 3056 2). Each is as dangerous as the IPv4
 * address inside it.
 */
export function embeddedIpv4(address: string): string | undefined {
  const bare = bareAddress(address);
  if (!isIPv6(bare)) return undefined;
  const words = ipv6Words(bare);
  const startsWith = (prefix: number[]) => prefix.every((word, index) => words[index] === word);
  if (startsWith([0, 0, 0, 0, 0, 0xffff]) || startsWith([0x64, 0xff9b, 0, 0, 0, 0])) {
    return dotted(words[6] ?? 0, words[7] ?? 0);
  }
  if (startsWith([0x2002])) return dotted(words[1] ?? 0, words[2] ?? 0);
  return undefined;
}

/** One spelling per address, to compare addresses written differently (`::1`, `0:0:…:1`). */
export function canonicalAddress(text: string): string | undefined {
  const address = bareAddress(text);
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return undefined;
  // An IPv4-mapped address is the IPv4 address itself to a dual-stack socket.
  const words = ipv6Words(address);
  if (words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff) {
    return dotted(words[6] ?? 0, words[7] ?? 0);
  }
  return words.map((word) => word.toString(16)).join(':');
}

/**
 * One allow-list entry: an IPv4 or IPv6 address, alone or with a `/prefix`. Written strictly (a
 * dotted quad, no host bits past the prefix) so that a typo cannot open more than was meant:
 * `192.168.1.20/2` would be 0.0.0.0–63.255.255.255. Answers the network, or what is wrong.
 */
export function parseNetwork(entry: string): Network | string {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0 || address.includes('%')) return `"${text}" is not an IP address or CIDR range`;
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const length = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(length) || Number(length) > bits) {
      return `"${text}": the prefix length must be 0–${bits}`;
    }
    prefix = Number(length);
  }
  if (networkStart(address, prefix, family) !== canonicalAddress(address)) {
    return `"${text}" has address bits set past its /${prefix} prefix`;
  }
  return { address, prefix, family };
}

/** The first address of `address/prefix`, canonical. */
function networkStart(address: string, prefix: number, family: Family): string {
  if (family === 'ipv4') {
    const value = address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
    const size = 2 ** (32 - prefix);
    const start = value - (value % size);
    return [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join('.');
  }
  const words = ipv6Words(address);
  const masked = words.map((word, index) => {
    const keep = Math.max(0, Math.min(16, prefix - index * 16));
    return keep === 0 ? 0 : word & (0xffff << (16 - keep)) & 0xffff;
  });
  return canonicalAddress(masked.map((word) => word.toString(16)).join(':')) ?? '';
}

/**
 * A comma-separated allow-list (`192.168.10.5, 10.20.0.0/16, fd12:3456::/48`). Answers the
 * networks, or the first entry's problem.
 */
export function parseNetworks(list: string): Network[] | string {
  const networks: Network[] = [];
  for (const entry of list.split(',')) {
    if (entry.trim() === '') continue;
    const network = parseNetwork(entry);
    if (typeof network === 'string') return network;
    networks.push(network);
  }
  return networks;
}

export interface AddressPolicyOptions {
  /** Networks the centre allows although they are refused otherwise (HUB_NOTIFY_ALLOWED_NETWORKS). */
  allowed?: readonly Network[];
  /** The addresses of the hub host's own interfaces, asked for at each judgement (they change). */
  ownAddresses?: () => Iterable<string>;
}

/** `localhost` and names under it are the host itself (RFC 6761 6.3), whatever a resolver says. */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

export class AddressPolicy {
  private readonly allowed = new BlockList();
  private readonly ownAddresses: () => Iterable<string>;

  constructor(options: AddressPolicyOptions = {}) {
    for (const network of options.allowed ?? []) {
      this.allowed.addSubnet(network.address, network.prefix, network.family);
    }
    this.ownAddresses = options.ownAddresses ?? (() => []);
  }

  /** Why `text` (an IP address, as dialled or as a URL's host) may not be dialled; null if it may. */
  judge(text: string): Refusal | null {
    const address = bareAddress(text);
    const version = isIP(address);
    if (version === 0) return 'not-an-address';
    const family: Family = version === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, family)) return null;
    const inner = embeddedIpv4(address);
    if (inner !== undefined) return this.judge(inner);
    for (const { refusal, list } of family === 'ipv4' ? IPV4_RANGES : IPV6_RANGES) {
      if (list.check(address, family)) return refusal;
    }
    // A public address of the hub's own host reaches the hub's own services as well.
    const canonical = canonicalAddress(address);
    for (const own of this.ownAddresses()) {
      if (canonicalAddress(own) === canonical) return 'own-interface';
    }
    return null;
  }

  /**
   * Whether a URL's host is an IP literal in a network the centre allowed itself (its own SMS
   * gateway on the LAN): such a host may be reached over plain http, as the centre chose it.
   */
  inAllowedNetwork(hostname: string): boolean {
    const address = bareAddress(hostname);
    const version = isIP(address);
    return version !== 0 && this.allowed.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }

  /**
   * A URL's host as typed, judged without asking a resolver: an IP literal is judged as it is, a
   * `localhost` name as both loopback addresses; any other name answers undefined, since only the
   * addresses it resolves to when dialled can be judged.
   */
  judgeHost(hostname: string): { address: string; refusal: Refusal } | null | undefined {
    const address = bareAddress(hostname);
    if (isIP(address) !== 0) {
      const refusal = this.judge(address);
      return refusal === null ? null : { address, refusal };
    }
    if (!isLocalhostName(address)) return undefined;
    for (const loopback of ['127.0.0.1', '::1']) {
      const refusal = this.judge(loopback);
      if (refusal !== null) return { address: loopback, refusal };
    }
    return null;
  }
}

const REFUSAL_WORDS: Record<Refusal, string> = {
  'this-network': 'in 0.0.0.0/8 ("this host")',
  private: 'a private address (RFC 1918)',
  shared: 'a carrier-grade NAT address (100.64.0.0/10, where cloud metadata services live too)',
  loopback: 'a loopback address',
  'link-local': 'a link-local address (cloud metadata services live there)',
  reserved: 'in a reserved range',
  documentation: 'in a range kept for documentation',
  benchmark: 'in a range kept for benchmarks',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  unspecified: 'the unspecified address',
  'unique-local': 'a unique local IPv6 address (fc00::/7)',
  'site-local': 'a site-local IPv6 address (fec0::/10)',
  'own-interface': "an address of the hub's own host",
  'not-an-address': 'not an IP address',
};

/** "a loopback address": a refusal in words, for a caller who may be told it in full. */
export function describeRefusal(refusal: Refusal): string {
  return REFUSAL_WORDS[refusal];
}
