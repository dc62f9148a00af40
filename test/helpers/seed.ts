/**
 * Rows a store-level test starts from, written straight into the database the way the hub's own
 * forms would leave them: a retiree with the facts the test cares about, a staff account. Tests of
 * the API make theirs through the API instead (test/helpers/hub.ts).
 */
import { randomUUID } from 'node:crypto';
import { RANK_LEVELS } from '../../server/archive/fields.ts';
import { idCardCheckChar } from '../../server/archive/idcard.ts';
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

/** One of the rows `seedManyRetirees` writes. */
export interface ManyRetiree {
  id: string;
  name: string;
  birthDate: string;
  station: string;
  status: string;
  rank: string;
  living: string;
  phone: string;
  idCard: string;
}

const manyStatuses = ['active', 'active', 'active', 'active', 'abroad', 'deceased'];
const manyLiving = ['', 'alone', 'with_spouse', 'with_family', 'institution'];

/**
 * `count` retirees of one centre in a single statement, for list and search tests and the records
 * benchmark: birth dates spread over 1925–1949, `stations` stations, every status, rank and living
 * situation, and ID cards with a valid check character. Answers the rows in the order of `name(i)`.
 */
export async function seedManyRetirees(
  db: Queryable,
  count: number,
  options: { centre: string; stations: number; name: (index: number) => string },
): Promise<ManyRetiree[]> {
  const rows = Array.from({ length: count }, (_, i): ManyRetiree => {
    const birthDate = new Date(Date.UTC(1925, 0, 1) + ((i * 37) % 9000) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    // Birth dates repeat every 9,000 rows; the sequence number keeps the ID cards apart.
    const first17 = `510107${birthDate.replaceAll('-', '')}${100 + Math.floor(i / 9000)}`;
    return {
      id: randomUUID(),
      name: options.name(i),
      birthDate,
      station: `站点${i % options.stations}`,
      status: manyStatuses[i % manyStatuses.length] as string,
      rank: RANK_LEVELS[(i >> 1) % RANK_LEVELS.length] as string,
      living: manyLiving[(i * 3) % manyLiving.length] as string,
      phone: `139${String(i).padStart(8, '0')}`,
      idCard: first17 + idCardCheckChar(first17),
    };
  });
  const column = (key: keyof ManyRetiree) => rows.map((row) => row[key]);
  await db.query(
    `insert into retirees (id, name, gender, birth_date, centre, station, status, rank, living_situation, phone, id_card)
     select id, name, 'male', birth_date, $10, station, status, rank, living, phone, id_card
       from unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         as s(id, name, birth_date, station, status, rank, living, phone, id_card)`,
    [
      ...(['id', 'name', 'birthDate', 'station', 'status', 'rank', 'living', 'phone', 'idCard'] as const).map(
        column,
      ),
      options.centre,
    ],
  );
  return rows;
}
