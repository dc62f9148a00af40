/**
 * Which station a retiree belongs to, for the live rooms of station-bound caseworkers. Readings
 * arrive many times a second, so answers are kept for a short while; a retiree moved to another
 * station reaches the new room within that time.
 */
import type { Queryable } from '../db/database.ts';

export class StationLookup {
  private readonly cache = new Map<string, { station: string | null; until: number }>();

  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  async of(retireeId: string): Promise<string | null> {
    const cached = this.cache.get(retireeId);
    if (cached && cached.until > this.now()) return cached.station;
    const [row] = await this.db.query<{ station: string }>('select station from retirees where id = $1', [
      retireeId,
    ]);
    const station = row?.station ? row.station : null;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(retireeId, { station, until: this.now() + this.ttlMs });
    return station;
  }
}
