/** Consent versions in SQL (migration 017): rows are only ever added. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { ConsentKind, ConsentStateName, ConsentVersion } from '../schemas/consents.ts';
import { isoRequired } from '../store/rows.ts';

/** The subject of a consent line: the centre, or one family account. */
export function subjectOf(kind: ConsentKind, familyUserId: string | null): string {
  return kind === 'health_processing' ? 'centre' : (familyUserId ?? '');
}

/**
 * A SQL condition, true when the family account `userSql` may see retiree `retireeSql` now: neither
 * its family_sharing consent nor the retiree's health_processing consent has been withdrawn in the
 * latest version. No version at all counts as given (see ./service.ts).
 */
export function familySharingAllowedSql(retireeSql: string, userSql: string): string {
  return `coalesce((select c.state from consents c where c.retiree_id = ${retireeSql}
      and c.kind = 'family_sharing' and c.subject = ${userSql}::text order by c.version desc limit 1), 'given') = 'given'
    and coalesce((select c.state from consents c where c.retiree_id = ${retireeSql}
      and c.kind = 'health_processing' and c.subject = 'centre' order by c.version desc limit 1), 'given') = 'given'`;
}

interface VersionRow {
  id: string;
  retiree_id: string;
  kind: ConsentKind;
  family_user_id: string | null;
  family_name: string | null;
  version: number;
  state: ConsentStateName;
  basis: string;
  recorded_by: string | null;
  recorded_by_name: string;
  recorded_at: Date;
  grandfathered: boolean;
}

const selectVersions = `select c.id, c.retiree_id, c.kind, c.family_user_id, u.display_name as family_name,
    c.version, c.state, c.basis, c.recorded_by, c.recorded_by_name, c.recorded_at, c.grandfathered
  from consents c left join users u on u.id = c.family_user_id`;

function toVersion(row: VersionRow): ConsentVersion {
  return {
    id: row.id,
    retireeId: row.retiree_id,
    kind: row.kind,
    familyUserId: row.family_user_id,
    familyName: row.family_name,
    version: row.version,
    state: row.state,
    basis: row.basis,
    recordedBy: row.recorded_by,
    recordedByName: row.recorded_by_name,
    recordedAt: isoRequired(row.recorded_at),
    grandfathered: row.grandfathered,
  };
}

export interface NewVersion {
  retireeId: string;
  kind: ConsentKind;
  familyUserId: string | null;
  state: ConsentStateName;
  basis: string;
  by: { id: string; name: string };
  at: Date;
}

export class ConsentStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Appends the next version of one consent line. Call inside a transaction: the advisory lock on
   * the line makes two writers number their versions one after the other.
   */
  async append(input: NewVersion): Promise<ConsentVersion> {
    const subject = subjectOf(input.kind, input.familyUserId);
    await this.db.query('select pg_advisory_xact_lock(hashtext($1))', [
      `consent:${input.retireeId}:${input.kind}:${subject}`,
    ]);
    const [last] = await this.db.query<{ version: number }>(
      `select coalesce(max(version), 0)::int as version from consents
        where retiree_id = $1 and kind = $2 and subject = $3`,
      [input.retireeId, input.kind, subject],
    );
    const id = randomUUID();
    await this.db.query(
      `insert into consents (id, retiree_id, kind, subject, family_user_id, version, state, basis,
         recorded_by, recorded_by_name, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        input.retireeId,
        input.kind,
        subject,
        input.familyUserId,
        (last?.version ?? 0) + 1,
        input.state,
        input.basis,
        input.by.id,
        input.by.name,
        input.at,
      ],
    );
    const [row] = await this.db.query<VersionRow>(`${selectVersions} where c.id = $1`, [id]);
    if (!row) throw new Error('consent version vanished after insert');
    return toVersion(row);
  }

  /** Every version of the retiree's consents, newest first. */
  async history(retireeId: string): Promise<ConsentVersion[]> {
    const rows = await this.db.query<VersionRow>(
      `${selectVersions} where c.retiree_id = $1 order by c.recorded_at desc, c.version desc, c.kind, c.subject`,
      [retireeId],
    );
    return rows.map(toVersion);
  }

  /** The family accounts linked to the retiree, with their names. */
  async familyAccounts(retireeId: string): Promise<{ userId: string; name: string }[]> {
    const rows = await this.db.query<{ user_id: string; display_name: string }>(
      `select f.user_id, u.display_name from family_links f join users u on u.id = f.user_id
        where f.retiree_id = $1 order by f.created_at, f.user_id`,
      [retireeId],
    );
    return rows.map((row) => ({ userId: row.user_id, name: row.display_name }));
  }

  /** Whether this family account may see this retiree now. */
  async familyMaySee(retireeId: string, userId: string): Promise<boolean> {
    const rows = await this.db.query(`select 1 where ${familySharingAllowedSql('$1::uuid', '$2')}`, [
      retireeId,
      userId,
    ]);
    return rows.length === 1;
  }
}
