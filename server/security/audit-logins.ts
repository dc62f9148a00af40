/**
 * Failed staff sign-ins read from the audit log (`audit_log`, action `login_failed`). The table
 * comes with its own migration; until it exists this source says so and reads nothing, and the
 * security page shows an empty list with a note.
 */
import type { Queryable } from '../db/database.ts';
import type { FailedLogin, LoginFailureSource, SecuritySignal } from './signals.ts';

interface Row {
  seq: string;
  at: Date;
  actor_name: string;
  ip: string;
  result: string;
  detail: Record<string, unknown> | null;
}

function reasonOf(row: Row): string | null {
  const reason = row.detail?.reason ?? row.detail?.error;
  return typeof reason === 'string' ? reason : row.result || null;
}

/**
 * A correct password answered with "TOTP code needed" is logged as a failed sign-in with
 * `detail.challenge`; it is not a guess and counts towards no burst.
 */
const NOT_A_CHALLENGE = `coalesce(detail->>'challenge', 'false') <> 'true'`;

// `order by audit_log.seq`, not `order by seq`: the text alias `seq` would sort 10 before 9.

export class AuditLoginFailures implements LoginFailureSource {
  private exists = false;

  constructor(private readonly db: Queryable) {}

  async available(): Promise<boolean> {
    // Once there, the table stays; until then each call asks again (cheap).
    if (this.exists) return true;
    const [row] = await this.db.query<{ name: string | null }>(
      `select to_regclass('audit_log')::text as name`,
    );
    this.exists = Boolean(row?.name);
    return this.exists;
  }

  async positionBefore(at: number): Promise<number> {
    if (!(await this.available())) return 0;
    const [row] = await this.db.query<{ seq: string | null }>(
      'select max(seq)::text as seq from audit_log where at < $1',
      [new Date(at).toISOString()],
    );
    return Number(row?.seq ?? 0);
  }

  async since(afterSeq: number, limit: number): Promise<{ signals: SecuritySignal[]; lastSeq: number }> {
    if (!(await this.available())) return { signals: [], lastSeq: afterSeq };
    const rows = await this.db.query<Row>(
      `select seq::text as seq, at, actor_name, ip, result, detail from audit_log
        where action = 'login_failed' and seq > $1 and ${NOT_A_CHALLENGE}
        order by audit_log.seq limit $2`,
      [afterSeq, limit],
    );
    return {
      signals: rows.map((row) => ({
        kind: 'login_failed',
        at: new Date(row.at).getTime(),
        address: row.ip,
        subject: row.actor_name,
        reason: reasonOf(row),
      })),
      lastSeq: rows.length > 0 ? Number(rows.at(-1)?.seq) : afterSeq,
    };
  }

  async recent(limit: number): Promise<FailedLogin[]> {
    if (!(await this.available())) return [];
    const rows = await this.db.query<Row>(
      `select seq::text as seq, at, actor_name, ip, result, detail from audit_log
        where action = 'login_failed' and ${NOT_A_CHALLENGE} order by audit_log.seq desc limit $1`,
      [limit],
    );
    return rows.map((row) => ({
      at: new Date(row.at).toISOString(),
      username: row.actor_name,
      ip: row.ip,
      reason: reasonOf(row),
    }));
  }
}
