/**
 * Failed CONNECTs, counted per source address and per username, to slow a client that guesses
 * secrets while real devices still get in.
 * - An address with `perIp` failures within the window is refused outright (CONNACK 5) for the
 *   cool-down, whatever it sends: a device behind another address is not affected.
 * - A username with `perUsername` failures within the window enters a cool-down too: addresses that
 *   failed for it are refused, and every other address is answered only after `delayMs`, so a
 *   guesser spread over many addresses gets one answer per delay while the real device, which
 *   knows its secret, still connects.
 * The rules are here, over an injected clock; the tallies live in a store (../tallies.ts): this
 * process's memory by default, or Redis, where the hub's instances count as one. The gateway calls
 * `admit` before checking a secret and `failed` or `succeeded` after.
 */
import { MemoryTallies, type Tallies, type TallyRule, type TallyStore } from '../tallies.ts';

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

/** Keeps memory bounded against a flood of made-up usernames or addresses. */
const MAX_ENTRIES = 50_000;

/** Addresses remembered per username as having failed for it. */
const MAX_ADDRESSES = 1000;

export class FailedConnects {
  private readonly byAddress: Tallies;
  private readonly byUsername: Tallies;
  /** A cool-down starts an empty window: after it, `perIp` (`perUsername`) more failures cool again. */
  private readonly addressRule: TallyRule;
  private readonly usernameRule: TallyRule;

  constructor(
    private readonly settings: FailedConnectSettings,
    store: TallyStore = new MemoryTallies(MAX_ENTRIES),
  ) {
    this.byAddress = store.tallies('mqtt:ip');
    this.byUsername = store.tallies('mqtt:username');
    const counting = {
      windowMs: settings.windowMs,
      cooldownMs: settings.cooldownMs,
      onCool: 'restart',
    } as const;
    this.addressRule = { ...counting, coolAt: settings.perIp, maxMembers: 0 };
    this.usernameRule = { ...counting, coolAt: settings.perUsername, maxMembers: MAX_ADDRESSES };
  }

  async admit(address: string | undefined, username: string | undefined, now: number): Promise<Admission> {
    const { windowMs } = this.settings;
    const [byAddress, byUsername] = await Promise.all([
      address ? this.byAddress.read(address, now, windowMs) : undefined,
      username ? this.byUsername.read(username, now, windowMs, address || undefined) : undefined,
    ]);
    if (byAddress && byAddress.coolUntil > now) return { verdict: 'refuse', reason: 'ip_cooldown' };
    if (byUsername && byUsername.coolUntil > now) {
      if (byUsername.hasMember) return { verdict: 'refuse', reason: 'username_cooldown' };
      return { verdict: 'check', delayMs: this.settings.delayMs };
    }
    return { verdict: 'check', delayMs: 0 };
  }

  async failed(address: string | undefined, username: string | undefined, now: number): Promise<void> {
    await Promise.all([
      address && this.byAddress.count(address, this.addressRule, now),
      username && this.byUsername.count(username, this.usernameRule, now, address || undefined),
    ]);
  }

  /** A good secret from an address clears that address's own failures (a device that was misconfigured). */
  async succeeded(address: string | undefined): Promise<void> {
    if (address) await this.byAddress.forget(address, { unlessCooled: true });
  }

  /** Forgets what is past its window and cool-down; the gateway calls it from a timer. */
  prune(now: number): void {
    this.byAddress.prune(now);
    this.byUsername.prune(now);
  }
}
