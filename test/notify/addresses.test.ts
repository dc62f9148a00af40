/**
 * The address policy of webhook targets (server/notify/addresses.ts): every special-purpose range
 * refused, IPv4 in the notations the WHATWG URL parser turns into a dotted quad, IPv6 in its many
 * spellings, IPv4 inside IPv6, the host's own addresses, and the centre's allow-list.
 */
import { describe, expect, it } from 'vitest';
import {
  AddressPolicy,
  canonicalAddress,
  embeddedIpv4,
  isLocalhostName,
  type Network,
  parseNetwork,
  parseNetworks,
} from '../../server/notify/addresses.ts';

const policy = new AddressPolicy();

/** What a webhook URL's host becomes once the URL parser has read it. */
function hostOf(url: string): string {
  return new URL(url).hostname;
}

function networks(list: string): Network[] {
  const parsed = parseNetworks(list);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('refused IPv4 ranges', () => {
  it.each([
    ['0.0.0.0', 'this-network'],
    ['0.1.2.3', 'this-network'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.100.100.200', 'shared'], // Alibaba Cloud's metadata service
    ['100.127.255.254', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'], // the metadata service of most clouds
    ['169.254.0.1', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.0.0.170', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmark'],
    ['198.19.255.254', 'benchmark'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
  ])('%s is refused (%s)', (address, refusal) => {
    expect(policy.judge(address)).toBe(refusal);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '100.63.255.255', // just below 100.64/10
    '100.128.0.0', // just above it
    '172.15.255.255',
    '172.32.0.0',
    '169.253.255.255',
    '192.0.1.255',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '47.96.1.1', // a public address of a cloud in China
  ])('%s passes', (address) => {
    expect(policy.judge(address)).toBeNull();
  });
});

describe('IPv4 in the notations a URL may carry', () => {
  it.each([
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://127.1/',
    'http://127.0.1/',
    'http://127.0.0.1./',
    'http://%31%32%37.0.0.1/',
    'http://0/',
    'http://0xA9FEA9FE/', // 169.254.169.254
    'http://2852039166/', // 169.254.169.254
    'http://0251.0376.0251.0376/', // 169.254.169.254
    'http://1684300008/', // 100.100.100.200
  ])('%s is refused once parsed', (url) => {
    const host = hostOf(url);
    expect(policy.judge(host), host).not.toBeNull();
    expect(policy.judgeHost(host)).not.toBeNull();
  });

  it('turns them into the dotted quad that is judged', () => {
    expect(hostOf('http://2130706433:8086/query')).toBe('127.0.0.1');
    expect(hostOf('http://0x7f.1/')).toBe('127.0.0.1');
    expect(hostOf('http://0/')).toBe('0.0.0.0');
  });
});

describe('IPv6', () => {
  it.each([
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:0', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 'loopback'],
    ['[::1]', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd00::2', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'], // AWS's metadata service over IPv6
    ['FD12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmark'],
    ['2001::1', 'reserved'], // Teredo
    ['100::1', 'reserved'],
    ['64:ff9b:1::1', 'reserved'],
    ['::7f00:1', 'reserved'], // IPv4-compatible, deprecated
    ['::ffff:0:7f00:1', 'reserved'], // IPv4-translated
    ['5f00::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('%s is refused (%s)', (address, refusal) => {
    expect(policy.judge(address)).toBe(refusal);
  });

  it.each([
    '2400:3200::1', // a public resolver in China
    '2001:da8::1', // CERNET
    '2606:4700:4700::1111',
    '2a00:1450:4001::1',
  ])('%s passes', (address) => {
    expect(policy.judge(address)).toBeNull();
  });

  it.each([
    ['http://[::1]/', '[::1]'],
    ['http://[0:0:0:0:0:0:0:1]/', '[::1]'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', '[::ffff:7f00:1]'],
    ['http://[::ffff:169.254.169.254]/', '[::ffff:a9fe:a9fe]'],
    ['http://[64:ff9b::127.0.0.1]/', '[64:ff9b::7f00:1]'],
    ['http://[fd00:ec2::254]/', '[fd00:ec2::254]'],
  ])('%s, parsed to %s, is refused', (url, host) => {
    expect(hostOf(url)).toBe(host);
    expect(policy.judge(hostOf(url))).not.toBeNull();
  });
});

describe('IPv4 inside IPv6 is judged as that IPv4 address', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', '127.0.0.1', 'loopback'],
    ['::FFFF:7F00:0001', '127.0.0.1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', '169.254.169.254', 'link-local'],
    ['::ffff:100.100.100.200', '100.100.100.200', 'shared'],
    ['::ffff:0.0.0.0', '0.0.0.0', 'this-network'],
    ['64:ff9b::7f00:1', '127.0.0.1', 'loopback'],
    ['64:ff9b::10.1.2.3', '10.1.2.3', 'private'],
    ['2002:7f00:1::1', '127.0.0.1', 'loopback'],
    ['2002:c0a8:101::1', '192.168.1.1', 'private'],
  ])('%s stands for %s (%s)', (address, inner, refusal) => {
    expect(embeddedIpv4(address)).toBe(inner);
    expect(policy.judge(address)).toBe(refusal);
  });

  it('lets a public IPv4 address through inside IPv6', () => {
    expect(policy.judge('::ffff:8.8.8.8')).toBeNull();
    expect(policy.judge('64:ff9b::808:808')).toBeNull();
    expect(policy.judge('2002:808:808::1')).toBeNull();
  });

  it('finds no IPv4 address in other IPv6 addresses', () => {
    expect(embeddedIpv4('2400:3200::1')).toBeUndefined();
    expect(embeddedIpv4('::1')).toBeUndefined();
    expect(embeddedIpv4('127.0.0.1')).toBeUndefined();
  });
});

describe("the hub host's own addresses", () => {
  const own = new AddressPolicy({
    ownAddresses: () => ['47.96.1.1', '2400:3200:0:0:0:0:0:1', 'fe80::1%eth0'],
  });

  it('are refused in any spelling, IPv4-mapped too', () => {
    expect(own.judge('47.96.1.1')).toBe('own-interface');
    expect(own.judge('::ffff:47.96.1.1')).toBe('own-interface');
    expect(own.judge('::ffff:2f60:101')).toBe('own-interface');
    expect(own.judge('2400:3200::1')).toBe('own-interface');
    expect(own.judge('2400:3200:0::0:1')).toBe('own-interface');
    // A refused range names the reason first.
    expect(own.judge('fe80::1')).toBe('link-local');
    expect(own.judge('47.96.1.2')).toBeNull();
  });

  it('are asked for at each judgement', () => {
    let addresses = ['47.96.1.1'];
    const changing = new AddressPolicy({ ownAddresses: () => addresses });
    expect(changing.judge('47.96.1.1')).toBe('own-interface');
    addresses = ['47.96.1.9'];
    expect(changing.judge('47.96.1.1')).toBeNull();
  });

  it('compare in one spelling', () => {
    expect(canonicalAddress('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(canonicalAddress('[0:0:0:0:0:0:0:1]')).toBe(canonicalAddress('::1'));
    expect(canonicalAddress('fe80::1%eth0')).toBe(canonicalAddress('fe80:0::1'));
    expect(canonicalAddress('localhost')).toBeUndefined();
  });
});

describe('the allow-list', () => {
  it('lets the networks it names through, and nothing else', () => {
    const allowed = new AddressPolicy({
      allowed: networks('192.168.10.5, 10.20.0.0/16,fd12:3456::/48,127.0.0.1/32'),
      ownAddresses: () => ['127.0.0.1', '::1'],
    });
    expect(allowed.judge('192.168.10.5')).toBeNull();
    expect(allowed.judge('192.168.10.6')).toBe('private');
    expect(allowed.judge('10.20.255.1')).toBeNull();
    expect(allowed.judge('10.21.0.1')).toBe('private');
    expect(allowed.judge('fd12:3456:0:1::9')).toBeNull();
    expect(allowed.judge('fd12:3457::9')).toBe('unique-local');
    // An allowed address is allowed though it is the host's own, and in its IPv6-mapped form.
    expect(allowed.judge('127.0.0.1')).toBeNull();
    expect(allowed.judge('::ffff:127.0.0.1')).toBeNull();
    expect(allowed.judge('127.0.0.2')).toBe('loopback');
    expect(allowed.judge('::1')).toBe('loopback');
    expect(allowed.judge('169.254.169.254')).toBe('link-local');
  });

  it('reads IPv4 and IPv6 addresses and ranges', () => {
    expect(parseNetwork('192.168.10.5')).toStrictEqual({
      address: '192.168.10.5',
      prefix: 32,
      family: 'ipv4',
    });
    expect(parseNetwork(' 10.20.0.0/16 ')).toStrictEqual({
      address: '10.20.0.0',
      prefix: 16,
      family: 'ipv4',
    });
    expect(parseNetwork('fd12:3456::/48')).toStrictEqual({
      address: 'fd12:3456::',
      prefix: 48,
      family: 'ipv6',
    });
    expect(parseNetwork('::1')).toStrictEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseNetwork('0.0.0.0/0')).toStrictEqual({ address: '0.0.0.0', prefix: 0, family: 'ipv4' });
    expect(parseNetworks('')).toStrictEqual([]);
    expect(parseNetworks('10.0.0.0/8,,')).toHaveLength(1);
  });

  it.each([
    'gateway.lan',
    '192.168.1',
    '127.1',
    '0x7f.0.0.1',
    '2130706433',
    '192.168.1.256',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    'fd00::/129',
    'fe80::1%eth0',
    '[::1]',
    '192.168.1.20/24', // host bits past the prefix: a typo, perhaps for /32
    '192.168.1.50/2',
    'fd12:3456::1/48',
  ])('refuses the entry %s, naming it', (entry) => {
    const problem = parseNetwork(entry);
    expect(typeof problem).toBe('string');
    expect(problem).toContain(entry.trim());
  });
});

describe('hosts judged when a channel is added', () => {
  it('judges IP literals and localhost names without a resolver', () => {
    expect(policy.judgeHost('127.0.0.1')).toStrictEqual({ address: '127.0.0.1', refusal: 'loopback' });
    expect(policy.judgeHost('[::1]')).toStrictEqual({ address: '::1', refusal: 'loopback' });
    expect(policy.judgeHost('localhost')?.refusal).toBe('loopback');
    expect(policy.judgeHost('localhost.')?.refusal).toBe('loopback');
    expect(policy.judgeHost('hub.localhost')?.refusal).toBe('loopback');
    expect(policy.judgeHost('8.8.8.8')).toBeNull();
    expect(policy.judgeHost('gateway.example.com')).toBeUndefined();
    expect(policy.judgeHost('localhost.example.com')).toBeUndefined();
  });

  it('lets localhost through only when both loopback addresses are allowed', () => {
    const v4 = new AddressPolicy({ allowed: networks('127.0.0.1/32') });
    expect(v4.judgeHost('localhost')).toStrictEqual({ address: '::1', refusal: 'loopback' });
    const both = new AddressPolicy({ allowed: networks('127.0.0.1/32,::1') });
    expect(both.judgeHost('localhost')).toBeNull();
  });

  it('knows the localhost names', () => {
    expect(isLocalhostName('LOCALHOST')).toBe(true);
    expect(isLocalhostName('a.b.localhost.')).toBe(true);
    expect(isLocalhostName('localhost.cn')).toBe(false);
    expect(isLocalhostName('notlocalhost')).toBe(false);
  });

  it('refuses what is not an address', () => {
    expect(policy.judge('localhost')).toBe('not-an-address');
    expect(policy.judge('')).toBe('not-an-address');
    expect(policy.judge('127.0.0.1:80')).toBe('not-an-address');
  });
});
