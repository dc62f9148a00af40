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
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: string | number | null;
  disabled_at: Date | string | null;
}

export interface UserWithHash extends User {
  passwordHash: string;
  disabled: boolean;
  /** The TOTP secret, sealed by the hub's vault; never leaves the server. */
  totpSecret: string | null;
  /** A secret shown for enrolment and not yet confirmed with a code. */
  totpPendingSecret: string | null;
  /** The last TOTP time step used, so a code works once. */
  totpLastStep: number | null;
}

export type SessionKind = 'session' | 'totp_enrolment';

function toUser(row: UserRow): UserWithHash {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    passwordHash: row.password_hash,
    disabled: row.disabled,
    station: row.station,
    totpSecret: row.totp_secret ?? null,
    totpPendingSecret: row.totp_pending_secret ?? null,
    totpLastStep:
      row.totp_last_step === null || row.totp_last_step === undefined ? null : Number(row.totp_last_step),
  };
}

/** What the API shows of an account: never a hash or a secret. */
export function publicUser(user: UserWithHash): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    station: user.station ?? null,
    totpEnabled: user.totpSecret !== null,
    disabled: user.disabled,
  };
}

export class UserStore {
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
      `insert into users (id, username, display_name, role, password_hash, station, password_changed_at)
       values ($1, $2, $3, $4, $5, $6, now())`,
      [id, input.username, input.displayName, input.role, input.passwordHash, station],
    );
    return {
      id,
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      station,
      totpEnabled: false,
      disabled: false,
    };
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

  /** Every account not disabled, by name: who may be put on duty at an event or organise it. */
  enabledNames(): Promise<{ id: string; name: string; role: string }[]> {
    return this.db.query<{ id: string; name: string; role: string }>(
      `select id, display_name as name, role from users where not disabled order by display_name, id`,
    );
  }

  /** Staff accounts; disabled ones only when asked (the admin's accounts page). */
  async listStaff(options: { includeDisabled?: boolean } = {}): Promise<User[]> {
    const rows = await this.db.query<UserRow>(
      `select * from users where ($1::boolean or not disabled)
          and role in ('admin', 'supervisor', 'operator', 'caseworker') order by display_name`,
      [options.includeDisabled ?? false],
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

  /** A new password (its hash); `changed` false when only the hash is upgraded. */
  async setPasswordHash(id: string, passwordHash: string, changed = true): Promise<void> {
    await this.db.query(
      `update users set password_hash = $2,
              password_changed_at = case when $3::boolean then now() else password_changed_at end
        where id = $1`,
      [id, passwordHash, changed],
    );
  }

  /** Disables or enables a staff account; null when there is no such staff account. */
  async setDisabled(id: string, disabled: boolean): Promise<User | null> {
    const [row] = await this.db.query<UserRow>(
      `update users set disabled = $2, disabled_at = case when $2 then now() else null end
        where id = $1 and role <> 'family' returning *`,
      [id, disabled],
    );
    return row ? publicUser(toUser(row)) : null;
  }

  async setTotpPending(id: string, sealedSecret: string | null): Promise<void> {
    await this.db.query('update users set totp_pending_secret = $2 where id = $1', [id, sealedSecret]);
  }

  /** The pending secret becomes the account's second factor, its first code already used. */
  async enableTotp(id: string, sealedSecret: string, step: number): Promise<void> {
    await this.db.query(
      `update users set totp_secret = $2, totp_pending_secret = null, totp_enabled_at = now(),
              totp_last_step = $3 where id = $1`,
      [id, sealedSecret, step],
    );
  }

  async disableTotp(id: string): Promise<boolean> {
    const rows = await this.db.query(
      `update users set totp_secret = null, totp_pending_secret = null, totp_enabled_at = null,
              totp_last_step = null where id = $1 returning id`,
      [id],
    );
    return rows.length > 0;
  }

  /** Records `step` as used unless it (or a later one) was used already: a code works once. */
  async useTotpStep(id: string, step: number): Promise<boolean> {
    const rows = await this.db.query(
      `update users set totp_last_step = $2 where id = $1
          and (totp_last_step is null or totp_last_step < $2) returning id`,
      [id, step],
    );
    return rows.length > 0;
  }

  async createSession(
    tokenHash: string,
    userId: string,
    expiresAt: Date,
    kind: SessionKind = 'session',
    now: Date = new Date(),
  ): Promise<void> {
    await this.db.query(
      'insert into sessions (token_hash, user_id, expires_at, kind, created_at, last_seen_at) values ($1, $2, $3, $4, $5, $5)',
      [tokenHash, userId, expiresAt, kind, now],
    );
  }

  /**
   * The user of a live session: not past its absolute end, used since `idleSince` (when given),
   * of the given kind, and of an account that is not disabled.
   */
  async sessionUser(
    tokenHash: string,
    now: Date,
    options: { idleSince?: Date; kind?: SessionKind } = {},
  ): Promise<(UserWithHash & { lastSeenAt: Date }) | null> {
    const [row] = await this.db.query<UserRow & { session_last_seen_at: Date | string }>(
      `select u.*, s.last_seen_at as session_last_seen_at from sessions s join users u on u.id = s.user_id
        where s.token_hash = $1 and s.expires_at > $2 and not u.disabled and s.kind = $3
          and ($4::timestamptz is null or s.last_seen_at > $4)`,
      [tokenHash, now, options.kind ?? 'session', options.idleSince ?? null],
    );
    return row ? { ...toUser(row), lastSeenAt: new Date(row.session_last_seen_at) } : null;
  }

  async touchSession(tokenHash: string, now: Date): Promise<void> {
    await this.db.query('update sessions set last_seen_at = $2 where token_hash = $1', [tokenHash, now]);
  }

  /**
   * Of the given sessions, those still live (as `sessionUser` judges them); each is marked used
   * now, since an open live connection is a screen in use (the duty wall).
   */
  async liveSessions(tokenHashes: string[], now: Date, idleSince: Date): Promise<Set<string>> {
    if (tokenHashes.length === 0) return new Set();
    const rows = await this.db.query<{ token_hash: string }>(
      `update sessions s set last_seen_at = $2 from users u
        where u.id = s.user_id and s.token_hash = any($1::text[]) and s.kind = 'session'
          and s.expires_at > $2 and s.last_seen_at > $3 and not u.disabled
        returning s.token_hash`,
      [tokenHashes, now, idleSince],
    );
    return new Set(rows.map((row) => row.token_hash));
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query('delete from sessions where token_hash = $1', [tokenHash]);
  }

  /** Ends every session of the user (sign-out everywhere, a disabled account, a new password). */
  async deleteSessionsOf(userId: string, exceptTokenHash?: string): Promise<void> {
    await this.db.query('delete from sessions where user_id = $1 and token_hash <> $2', [
      userId,
      exceptTokenHash ?? '',
    ]);
  }

  /** Deletes sessions past their end, and sign-in sessions idle since `idleSince`. */
  async deleteExpiredSessions(now: Date, idleSince?: Date): Promise<void> {
    await this.db.query(
      `delete from sessions where expires_at <= $1
          or (kind = 'session' and $2::timestamptz is not null and last_seen_at <= $2)`,
      [now, idleSince ?? null],
    );
  }
}
