/**
 * Sign-in throttling (OWASP ASVS 2.2.1) that slows a guesser without letting anyone lock a real
 * person out:
 * - per address: after `perIp` failures in the window that address alone is refused (429 with
 *   Retry-After) for a cool-down; other addresses are untouched;
 * - per account: after `perAccount` failures in the window, from any addresses, answers for that
 *   account are delayed, doubling with each further failure up to `maxDelayMs`; only past
 *   `accountRefuseAt` failures is the account refused, and then only to addresses it has never
 *   signed in from — a place the person signed in from before always gets an answer at once.
 * The tallies live in a store (gateway/tallies.ts): this process's memory by default, each table
 * bounded to `maxEntries` keys, least recently written dropped first; or Redis, where the hub's
 * instances count as one, so a guesser gains nothing by spreading attempts over them. Times come from
 * this instance's clock, so instances agree as far as their clocks do.
 */
import {
  MemoryTallies,
  type RecentLists,
  type Tallies,
  type TallyRule,
  type TallyStore,
} from '../../gateway/index.ts';

export interface ThrottleSettings {
  perIp: number;
  perAccount: number;
  accountRefuseAt: number;
  windowMs: number;
  cooldownMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Keys per table when the tallies are in memory. */
  maxEntries: number;
  /** Addresses remembered per account as places it signed in from. */
  knownPlacesPerAccount: number;
  /** How long Redis keeps an account's places after its last sign-in (memory keeps them until pushed out). */
  knownPlacesTtlMs: number;
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
  knownPlacesTtlMs: 30 * 24 * 3_600_000,
};

export type ThrottleVerdict =
  | { kind: 'allow'; delayMs: number }
  | { kind: 'refuse'; retryAfterSeconds: number; reason: 'ip' | 'account' };

export class LoginThrottle {
  private readonly byIp: Tallies;
  private readonly byAccount: Tallies;
  private readonly knownPlaces: RecentLists;
  /** An address cools down at `perIp` failures; the window's failures go on counting. */
  private readonly ipRule: TallyRule;
  /** An account never cools down: its failures set the delay and, past `accountRefuseAt`, refusal. */
  private readonly accountRule: TallyRule;

  constructor(
    readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
    private readonly clock: () => number = Date.now,
    store: TallyStore = new MemoryTallies(settings.maxEntries),
  ) {
    this.byIp = store.tallies('login:ip');
    this.byAccount = store.tallies('login:account');
    this.knownPlaces = store.lists('login:places');
    const counting = { windowMs: settings.windowMs, cooldownMs: settings.cooldownMs, maxMembers: 0 };
    this.ipRule = { ...counting, coolAt: settings.perIp, onCool: 'keep' };
    this.accountRule = { ...counting, coolAt: 0, onCool: 'keep' };
  }

  /** Asked before the password is checked: refuse now, or answer after `delayMs`. */
  async check(account: string, ip: string): Promise<ThrottleVerdict> {
    const now = this.clock();
    const [byIp, byAccount, places] = await Promise.all([
      this.byIp.read(ip, now, this.settings.windowMs),
      this.byAccount.read(key(account), now, this.settings.windowMs),
      this.knownPlaces.list(key(account)),
    ]);
    if (byIp && byIp.coolUntil > now) {
      return { kind: 'refuse', reason: 'ip', retryAfterSeconds: Math.ceil((byIp.coolUntil - now) / 1000) };
    }
    const failures = byAccount?.failures ?? 0;
    if (places.includes(ip)) return { kind: 'allow', delayMs: 0 };
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

  async failed(account: string, ip: string): Promise<void> {
    const now = this.clock();
    await Promise.all([
      this.byIp.count(ip, this.ipRule, now),
      this.byAccount.count(key(account), this.accountRule, now),
    ]);
  }

  /** A correct sign-in: the address is cleared and remembered as a place this account uses. */
  async succeeded(account: string, ip: string): Promise<void> {
    await Promise.all([
      this.byIp.forget(ip),
      this.knownPlaces.remember(
        key(account),
        ip,
        this.settings.knownPlacesPerAccount,
        this.settings.knownPlacesTtlMs,
      ),
    ]);
  }

  async isKnownPlace(account: string, ip: string): Promise<boolean> {
    return (await this.knownPlaces.list(key(account))).includes(ip);
  }
}

function key(account: string): string {
  return account.trim().toLowerCase();
}
