/**
 * Failed CONNECTs, counted per source address and per username, to slow a client that guesses
 * secrets while real devices still get in.
 * - An address with `perIp` failures within the window is refused outright (CONNACK 5) for the
 *   cool-down, whatever it sends: a device behind another address is not affected.
 * - A username with `perUsername` failures within the window enters a cool-down too: addresses that
 *   failed for it are refused, and every other address is answered only after `delayMs`, so a
 *   guesser spread over many addresses gets one answer per delay while the real device, which
 *   knows its secret, still connects.
 * Pure over an injected clock; the gateway calls `admit` before checking a secret and `failed` or
 * `succeeded` after.
 */

export interface FailedConnectSettings {
  perIp: number;
  perUsername: number;
  windowMs: number;
  cooldownMs: number;
  delayMs: number;
}

export type Admission =
  | { verdict: 'refuse'; reason: 'ip_cooldown' | 'username_cooldown' }
  | { verdict: 'check'; delayMs: number };

interface Tally {
  windowStart: number;
  count: number;
  blockedUntil: number;
  /** For a username: the addresses that failed for it in this window or cool-down. */
  addresses?: Set<string>;
}

/** Keeps memory bounded against a flood of made-up usernames or addresses. */
const MAX_ENTRIES = 50_000;

export class FailedConnects {
  private readonly byAddress = new Map<string, Tally>();
  private readonly byUsername = new Map<string, Tally>();

  constructor(private readonly settings: FailedConnectSettings) {}

  admit(address: string | undefined, username: string | undefined, now: number): Admission {
    const byAddress = address ? this.current(this.byAddress, address, now) : undefined;
    if (byAddress && byAddress.blockedUntil > now) return { verdict: 'refuse', reason: 'ip_cooldown' };
    const byUsername = username ? this.current(this.byUsername, username, now) : undefined;
    if (byUsername && byUsername.blockedUntil > now) {
      if (address && byUsername.addresses?.has(address)) {
        return { verdict: 'refuse', reason: 'username_cooldown' };
      }
      return { verdict: 'check', delayMs: this.settings.delayMs };
    }
    return { verdict: 'check', delayMs: 0 };
  }

  failed(address: string | undefined, username: string | undefined, now: number): void {
    if (address) this.count(this.byAddress, address, this.settings.perIp, now);
    if (username) {
      const tally = this.count(this.byUsername, username, this.settings.perUsername, now);
      if (address) {
        tally.addresses ??= new Set();
        if (tally.addresses.size < 1000) tally.addresses.add(address);
      }
    }
  }

  /** A good secret from an address clears that address's own failures (a device that was misconfigured). */
  succeeded(address: string | undefined): void {
    if (!address) return;
    const tally = this.byAddress.get(address);
    if (tally && tally.blockedUntil === 0) this.byAddress.delete(address);
  }

  /** Forgets what is past its window and cool-down; the gateway calls it from a timer. */
  prune(now: number): void {
    for (const map of [this.byAddress, this.byUsername]) {
      for (const [key, tally] of map) if (this.expired(tally, now)) map.delete(key);
    }
  }

  private expired(tally: Tally, now: number): boolean {
    return tally.blockedUntil <= now && now - tally.windowStart >= this.settings.windowMs;
  }

  private current(map: Map<string, Tally>, key: string, now: number): Tally | undefined {
    const tally = map.get(key);
    if (tally && this.expired(tally, now)) {
      map.delete(key);
      return undefined;
    }
    return tally;
  }

  private count(map: Map<string, Tally>, key: string, limit: number, now: number): Tally {
    let tally = this.current(map, key, now);
    if (!tally) {
      if (map.size >= MAX_ENTRIES) {
        const oldest = map.keys().next().value;
        if (oldest !== undefined) map.delete(oldest);
      }
      tally = { windowStart: now, count: 0, blockedUntil: 0 };
      map.set(key, tally);
    }
    if (now - tally.windowStart >= this.settings.windowMs) {
      tally.windowStart = now;
      tally.count = 0;
      if (tally.blockedUntil <= now) tally.addresses?.clear();
    }
    tally.count += 1;
    if (tally.count >= limit) {
      tally.blockedUntil = now + this.settings.cooldownMs;
      tally.count = 0;
      tally.windowStart = now;
    }
    return tally;
  }
}
