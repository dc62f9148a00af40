/**
 * Rows a store-level test starts from, written straight into the database the way the hub's own
 * forms would leave them: a retiree with the facts the test cares about, a staff account. Tests of
 * the API make theirs through the API instead (test/helpers/hub.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../server/db/database.ts';
import type { User } from '../../server/schemas/auth.ts';
import { UserStore } from '../../server/store/users.ts';

export interface RetireeSeed {
  name: string;
  gender?: 'male' | 'female';
  birthDate?: string;
  station?: string;
  status?: string;
  rank?: string;
}

/** A retiree row; returns its id. */
export async function seedRetiree(db: Queryable, seed: RetireeSeed): Promise<string> {
  const id = randomUUID();
  await db.query(
    `insert into retirees (id, name, gender, birth_date, station, status, rank)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      id,
      seed.name,
      seed.gender ?? 'male',
      seed.birthDate ?? '1940-01-01',
      seed.station ?? '',
      seed.status ?? 'active',
      seed.rank ?? '',
    ],
  );
  return id;
}

/** A staff account without a usable password. */
export function seedStaff(
  db: Queryable,
  username: string,
  displayName: string,
  role: User['role'] = 'caseworker',
): Promise<User> {
  return new UserStore(db).create({ username, displayName, role, passwordHash: 'x' });
}
