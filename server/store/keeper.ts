/**
 * What every keeper of an area's records holds: the database, and the clock that says which day it
 * is in the centre. Rules take the day from `today()`, never from the machine's clock, so a test can
 * set the day and a date check reads the same at midnight in Chengdu whatever the server's zone.
 */
import { type Clock, centreDay } from '../calendar.ts';
import type { Database } from '../db/database.ts';

export abstract class RecordKeeper {
  constructor(
    protected readonly db: Database,
    protected readonly clock: Clock = () => new Date(),
  ) {}

  /** Today in the centre (Asia/Shanghai), YYYY-MM-DD. */
  today(): string {
    return centreDay(this.clock());
  }
}
