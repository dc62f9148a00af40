/**
 * What every keeper of an area's records holds: the database, and the clock that says which day it
 * is in the centre. Rules take the day from `today()`, never from the machine's clock, so a test can
 * set the day and a date check reads the same at midnight in Chengdu whatever the server's zone.
 */
import { type Clock, centreDay } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { Deadlines } from '../settings/deadlines.ts';

export abstract class RecordKeeper {
  constructor(
    protected readonly db: Database,
    protected readonly clock: Clock = () => new Date(),
  ) {
    this.deadlines = new Deadlines(db);
  }

  /** The centre's deadlines, read when work is dated. */
  protected readonly deadlines: Deadlines;

  /** Today in the centre (Asia/Shanghai), YYYY-MM-DD. */
  today(): string {
    return centreDay(this.clock());
  }
}

/**
 * A store of an area's SQL for its keeper: on the database, or inside one transaction through
 * `in(tx)`, counting what is overdue against the centre's day the keeper gives it.
 */
export abstract class DayStore {
  constructor(
    protected readonly db: Queryable,
    protected readonly today: () => string,
  ) {}

  /** The same store working inside the transaction `tx`. */
  abstract in(tx: Queryable): DayStore;
}
