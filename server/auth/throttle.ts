/**
 * Sign-in throttling (OWASP ASVS 2.2.1) that slows a guesser without letting anyone lock a real
 * person out:
 * - per address: after `perIp` failures in the window that address alone is refused (429 with
 *   Retry-After) for a cool-down; other addresses are untouched;
 * - per account: after `perAccount` failures in the window, from any addresses, answers for that
 *   account are delayed, doubling with each further failure up to `maxDelayMs`; only past
 *   `accountRefuseAt` failures is the account refused, and then only to addresses it has never
 *   signed in from — a place the person signed in from before always gets an answer at once.
 * Memory is bounded: each table keeps at most `maxEntries` keys, oldest dropped first.
 */

export interface ThrottleSettings {
  perIp: number;
  perAccount: number;
  accountRefuseAt: number;
  windowMs: number;
  cooldownMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxEntries: number;
  /** Addresses remembered per account as places it signed in from. */
  knownPlacesPerAccount: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  perIp: 10,
  perAccount: 5,
  accountRefuseAt: 50,
  windowMs: 15 * 60_000,
  cooldownMs: 5 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxEntries: 10_000,
  knownPlacesPerAccount: 5,
};

interface Tally {
  failures: number;
  windowStart: number;
  /** Refused until then (per address only). */
  coolUntil: number;
}

export type ThrottleVerdict =
  | { kind: 'allow'; delayMs: number }
  | { kind: 'refuse'; retryAfterSeconds: number; reason: 'ip' | 'account' };

/** A Map that forgets its oldest key when it grows past `limit`. */
class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly limit: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (this.has(key)) this.delete(key);
    super.set(key, value);
    while (this.size > this.limit) {
      const oldest = this.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    return this;
  }
}

export class LoginThrottle {
  private readonly byIp: BoundedMap<Tally>;
  private readonly byAccount: BoundedMap<Tally>;
  private readonly knownPlaces: BoundedMap<string[]>;

  constructor(
    readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
    private readonly clock: () => number = Date.now,
  ) {
    this.byIp = new BoundedMap(settings.maxEntries);
    this.byAccount = new BoundedMap(settings.maxEntries);
    this.knownPlaces = new BoundedMap(settings.maxEntries);
  }

  /** Asked before the password is checked: refuse now, or answer after `delayMs`. */
  check(account: string, ip: string): ThrottleVerdict {
    const now = this.clock();
    const byIp = this.current(this.byIp, ip, now);
    if (byIp && byIp.coolUntil > now) {
      return { kind: 'refuse', reason: 'ip', retryAfterSeconds: Math.ceil((byIp.coolUntil - now) / 1000) };
    }
    const byAccount = this.current(this.byAccount, key(account), now);
    const failures = byAccount?.failures ?? 0;
    if (this.isKnownPlace(account, ip)) return { kind: 'allow', delayMs: 0 };
    if (byAccount && failures >= this.settings.accountRefuseAt) {
      const reopens = byAccount.windowStart + this.settings.windowMs;
      return {
        kind: 'refuse',
        reason: 'account',
        retryAfterSeconds: Math.max(1, Math.ceil((reopens - now) / 1000)),
      };
    }
    if (failures < this.settings.perAccount) return { kind: 'allow', delayMs: 0 };
    const doublings = Math.min(failures - this.settings.perAccount, 20);
    return {
      kind: 'allow',
      delayMs: Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** doublings),
    };
  }

  failed(account: string, ip: string): void {
    const now = this.clock();
    const byIp = this.bump(this.byIp, ip, now);
    if (byIp.failures >= this.settings.perIp) byIp.coolUntil = now + this.settings.cooldownMs;
    this.bump(this.byAccount, key(account), now);
  }

  /** A correct sign-in: the address is cleared and remembered as a place this account uses. */
  succeeded(account: string, ip: string): void {
    this.byIp.delete(ip);
    const places = (this.knownPlaces.get(key(account)) ?? []).filter((place) => place !== ip);
    places.unshift(ip);
    this.knownPlaces.set(key(account), places.slice(0, this.settings.knownPlacesPerAccount));
  }

  isKnownPlace(account: string, ip: string): boolean {
    return this.knownPlaces.get(key(account))?.includes(ip) ?? false;
  }

  /** How many keys are held (for tests of the memory bound). */
  size(): { ips: number; accounts: number; places: number } {
    return { ips: this.byIp.size, accounts: this.byAccount.size, places: this.knownPlaces.size };
  }

  private current(table: BoundedMap<Tally>, id: string, now: number): Tally | undefined {
    const tally = table.get(id);
    if (!tally) return undefined;
    if (now - tally.windowStart >= this.settings.windowMs && tally.coolUntil <= now) {
      table.delete(id);
      return undefined;
    }
    return tally;
  }

  private bump(table: BoundedMap<Tally>, id: string, now: number): Tally {
    const tally = this.current(table, id, now) ?? { failures: 0, windowStart: now, coolUntil: 0 };
    tally.failures += 1;
    table.set(id, tally);
    return tally;
  }
}

function key(account: string): string {
  return account.trim().toLowerCase();
}
