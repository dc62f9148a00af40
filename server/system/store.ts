/** What /healthz asks the records database. */
import type { Queryable } from '../db/database.ts';

/** Whether the records database answers a query. */
export function recordsAnswer(db: Queryable): Promise<boolean> {
  return db.query('select 1').then(
    () => true,
    () => false,
  );
}
