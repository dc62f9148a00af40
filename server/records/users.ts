import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { Role, User } from '../schemas/auth.ts';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled: boolean;
  station: string | null;
}

export interface UserWithHash extends User {
  passwordHash: string;
  disabled: boolean;
}

function toUser(row: UserRow): UserWithHash {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    passwordHash: row.password_hash,
    disabled: row.disabled,
    station: row.station,
  };
}

export function publicUser(user: UserWithHash): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    station: user.station ?? null,
  };
}

export class UserRecords {
  constructor(private readonly db: Queryable) {}

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('select count(*)::int as n from users');
    return row?.n ?? 0;
  }

  async create(input: {
    username: string;
    displayName: string;
    role: Role;
    passwordHash: string;
    station?: string | null | undefined;
  }): Promise<User> {
    const id = randomUUID();
    const station = input.station ?? null;
    await this.db.query(
      'insert into users (id, username, display_name, role, password_hash, station) values ($1, $2, $3, $4, $5, $6)',
      [id, input.username, input.displayName, input.role, input.passwordHash, station],
    );
    return { id, username: input.username, displayName: input.displayName, role: input.role, station };
  }

  /** Changes a staff member's name or station; null if there is no such staff account. */
  async updateStaff(
    id: string,
    input: { displayName?: string | undefined; station?: string | null | undefined },
  ): Promise<User | null> {
    const [row] = await this.db.query<UserRow>(
      `update users set display_name = coalesce($2, display_name),
              station = case when $3::boolean then $4 else station end
        where id = $1 and role <> 'family' returning *`,
      [id, input.displayName ?? null, input.station !== undefined, input.station ?? null],
    );
    return row ? publicUser(toUser(row)) : null;
  }

  async listStaff(): Promise<User[]> {
    const rows = await this.db.query<UserRow>(
      `select * from users where not disabled and role in ('admin', 'supervisor', 'operator', 'caseworker') order by display_name`,
    );
    return rows.map((row) => publicUser(toUser(row)));
  }

  async byUsername(username: string): Promise<UserWithHash | null> {
    const [row] = await this.db.query<UserRow>('select * from users where username = $1', [username]);
    return row ? toUser(row) : null;
  }

  async byId(id: string): Promise<UserWithHash | null> {
    const [row] = await this.db.query<UserRow>('select * from users where id = $1', [id]);
    return row ? toUser(row) : null;
  }

  async createSession(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.db.query('insert into sessions (token_hash, user_id, expires_at) values ($1, $2, $3)', [
      tokenHash,
      userId,
      expiresAt,
    ]);
  }

  async sessionUser(tokenHash: string, now: Date): Promise<UserWithHash | null> {
    const [row] = await this.db.query<UserRow>(
      `select u.* from sessions s join users u on u.id = s.user_id
        where s.token_hash = $1 and s.expires_at > $2 and not u.disabled`,
      [tokenHash, now],
    );
    return row ? toUser(row) : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query('delete from sessions where token_hash = $1', [tokenHash]);
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.db.query('delete from sessions where expires_at <= $1', [now]);
  }
}
