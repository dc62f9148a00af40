/**
 * The plans of a store's statements instead of their rows: a stand-in for the database that asks
 * PostgreSQL to explain each statement it is given (with its parameters) and answers no rows.
 */
import type { Database, Queryable } from '../../server/db/database.ts';

export function explaining(db: Queryable): { db: Database; plans: string[] } {
  const plans: string[] = [];
  const standIn = {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const rows = await db.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, params);
      plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
      return [];
    },
  };
  return { db: standIn as Database, plans };
}
