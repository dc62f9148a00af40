/**
 * Failure tallies for the throttles: failed CONNECTs (broker/failed-connects.ts) and failed sign-ins
 * (server/auth/throttle.ts). The throttles keep their rules; a store keeps their state, so that the
 * hub's instances can count as one in Redis (server/cluster/redis-tallies.ts) or, with one instance,
 * in this process's memory (`MemoryTallies`). Here rather than in server/ because the gateway may
 * import only devices/, while the server reaches the gateway.
 *
 * A tally counts the failures of one key (an address, an account, a device id) in a window that
 * starts at its first failure; at `coolAt` failures the key cools down. A tally lives while its
 * window or its cool-down runs, and is then as if it had never been. Times are the caller's clock
 * (ms), passed in, so every store gives the same answers to the same calls. Each operation on one
 * key is atomic in every store.
 */

export interface Tally {
  failures: number;
  /** When the current window began. */
  windowStart: number;
  /** Cooling down until then; 0 when the key has not cooled down since its tally began. */
  coolUntil: number;
}

/** A tally read, with whether the member asked about is among its members. */
export interface TallyRead extends Tally {
  hasMember: boolean;
}

/** How a throttle counts the failures of its keys. */
export interface TallyRule {
  windowMs: number;
  /** Failures at which the key cools down for `cooldownMs`; 0: it never does. */
  coolAt: number;
  cooldownMs: number;
  /**
   * `keep`: the window's failures go on counting, so once the cool-down is over the next failure
   * within the window cools the key down again (sign-in). `restart`: cooling down starts an empty
   * window, and a window that runs out during a cool-down is followed by an empty one (MQTT).
   */
  onCool: 'keep' | 'restart';
  /** Members (addresses that failed for a device id) kept per tally at most; 0: none. */
  maxMembers: number;
}

/** The tallies of one kind of key, e.g. sign-in failures per address. */
export interface Tallies {
  /** The live tally of `id`, or undefined; `hasMember` says whether `member` failed for it. */
  read(id: string, now: number, windowMs: number, member?: string): Promise<TallyRead | undefined>;
  /** Counts one failure of `id` (and adds `member` to its members); answers the new tally. */
  count(id: string, rule: TallyRule, now: number, member?: string): Promise<Tally>;
  /** Forgets the tally of `id`; with `unlessCooled`, only one that has not cooled down. */
  forget(id: string, options?: { unlessCooled: boolean }): Promise<void>;
  /** Drops what is past its window and cool-down from memory; Redis expires its keys itself. */
  prune(now: number): void;
}

/** Short lists of one kind, most recent first (the addresses an account signed in from). */
export interface RecentLists {
  list(id: string): Promise<string[]>;
  /**
   * Puts `item` first, keeping `keep` items. A store that expires keys (Redis) forgets the list
   * `ttlMs` after its last `remember`; memory keeps it until it is pushed out or the process ends.
   */
  remember(id: string, item: string, keep: number, ttlMs: number): Promise<void>;
}

export interface TallyStore {
  tallies(table: string): Tallies;
  lists(table: string): RecentLists;
}

/** True while the tally's window or its cool-down runs. */
export function isLive(tally: Tally, now: number, windowMs: number): boolean {
  return now - tally.windowStart < windowMs || tally.coolUntil > now;
}

/**
 * The tally after one more failure: the same steps as the Lua script of the Redis store, which
 * cannot share this code.
 */
export function counted(held: Tally | undefined, rule: TallyRule, now: number): Tally {
  const tally =
    held && isLive(held, now, rule.windowMs) ? { ...held } : { failures: 0, windowStart: now, coolUntil: 0 };
  if (rule.onCool === 'restart' && now - tally.windowStart >= rule.windowMs) {
    tally.windowStart = now;
    tally.failures = 0;
  }
  tally.failures += 1;
  if (rule.coolAt > 0 && tally.failures >= rule.coolAt) {
    tally.coolUntil = now + rule.cooldownMs;
    if (rule.onCool === 'restart') {
      tally.failures = 0;
      tally.windowStart = now;
    }
  }
  return tally;
}

/** A Map that forgets its least recently written key when it grows past `limit`. */
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

interface HeldTally {
  tally: Tally;
  /** When both window and cool-down are over. */
  endsAt: number;
  members?: Set<string>;
}

class MemoryTallyTable implements Tallies {
  readonly entries: BoundedMap<HeldTally>;

  constructor(limit: number) {
    this.entries = new BoundedMap(limit);
  }

  async read(id: string, now: number, windowMs: number, member?: string): Promise<TallyRead | undefined> {
    const held = this.entries.get(id);
    if (!held || !isLive(held.tally, now, windowMs)) return undefined;
    return { ...held.tally, hasMember: member !== undefined && (held.members?.has(member) ?? false) };
  }

  async count(id: string, rule: TallyRule, now: number, member?: string): Promise<Tally> {
    const before = this.entries.get(id);
    const live = before && isLive(before.tally, now, rule.windowMs) ? before : undefined;
    const tally = counted(live?.tally, rule, now);
    const held: HeldTally = { tally, endsAt: Math.max(tally.windowStart + rule.windowMs, tally.coolUntil) };
    if (live?.members) held.members = live.members;
    if (member !== undefined && rule.maxMembers > 0) {
      held.members ??= new Set();
      if (held.members.size < rule.maxMembers) held.members.add(member);
    }
    this.entries.set(id, held);
    return { ...tally };
  }

  async forget(id: string, options?: { unlessCooled: boolean }): Promise<void> {
    const held = this.entries.get(id);
    if (held && !(options?.unlessCooled && held.tally.coolUntil !== 0)) this.entries.delete(id);
  }

  prune(now: number): void {
    for (const [id, held] of this.entries) if (held.endsAt <= now) this.entries.delete(id);
  }
}

class MemoryLists implements RecentLists {
  readonly entries: BoundedMap<string[]>;

  constructor(limit: number) {
    this.entries = new BoundedMap(limit);
  }

  async list(id: string): Promise<string[]> {
    return [...(this.entries.get(id) ?? [])];
  }

  async remember(id: string, item: string, keep: number): Promise<void> {
    const items = (this.entries.get(id) ?? []).filter((held) => held !== item);
    items.unshift(item);
    this.entries.set(id, items.slice(0, keep));
  }
}

/** Tallies in this process: each table holds at most `maxEntries` keys, least recently written dropped first. */
export class MemoryTallies implements TallyStore {
  private readonly tables = new Map<string, MemoryTallyTable>();
  private readonly listTables = new Map<string, MemoryLists>();

  constructor(private readonly maxEntries = 10_000) {}

  tallies(table: string): Tallies {
    let tallies = this.tables.get(table);
    if (!tallies) {
      tallies = new MemoryTallyTable(this.maxEntries);
      this.tables.set(table, tallies);
    }
    return tallies;
  }

  lists(table: string): RecentLists {
    let lists = this.listTables.get(table);
    if (!lists) {
      lists = new MemoryLists(this.maxEntries);
      this.listTables.set(table, lists);
    }
    return lists;
  }

  /** Keys held per table (for tests of the memory bound). */
  sizes(): Record<string, number> {
    const sizes: Record<string, number> = {};
    for (const [name, table] of [...this.tables, ...this.listTables]) sizes[name] = table.entries.size;
    return sizes;
  }
}
