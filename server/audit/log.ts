/**
 * The audit log (PIPL; 6.11.2.2): an append-only, hash-chained table. Appends are serialised twice
 * over: one writer queue per instance (what arrives during a write goes into the next transaction),
 * and a transaction-scoped advisory lock in the database, so hub instances sharing a PostgreSQL
 * server (or two AuditLog objects in one process) never fork the chain. Nothing here updates or
 * deletes a row, and triggers refuse it in the database too (migration 017).
 */

import type { Database } from '../db/database.ts';
import { isUuid } from '../ids.ts';
import type { AuditAction, AuditEntry, AuditQuery, AuditVerifyResult } from '../schemas/audit.ts';
import { Filter } from '../store/filter.ts';
import { ChainCheck, type ChainRow, chainFields, GENESIS_HASH, rowHash } from './chain.ts';

/** Key of pg_advisory_xact_lock for appends (the migrations use 2839_2021). */
export const AUDIT_LOCK_KEY = 2839_2022;

const MAX_TEXT = 500;
const MAX_DETAIL_DEPTH = 4;
const MAX_DETAIL_KEYS = 40;
const VERIFY_BATCH = 1000;
/** Entries written in one transaction at most. */
const MAX_BATCH = 100;

/** What a caller records: a chain row without its place in the chain; `at` defaults to the log's clock. */
export type AuditEntryInput = Omit<ChainRow, 'seq' | 'at' | 'detail' | 'prevHash'> & {
  at?: Date;
  detail?: Record<string, unknown>;
};

export type AuditFilter = Omit<AuditQuery, 'limit' | 'offset'> & { limit?: number; offset?: number };

interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_name: string;
  role: string;
  action: AuditAction;
  target_type: string;
  target_id: string;
  retiree_id: string | null;
  ip: string;
  result: string;
  detail: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

const COLUMNS = `seq::text as seq, at, actor_id, actor_name, role, action, target_type, target_id,
  retiree_id, ip, result, detail, prev_hash, hash`;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text the database stores exactly as given: no NUL (refused by PostgreSQL text and jsonb), no lone
 * surrogate (re-encoded on the way in, which would break the hash), and bounded in length. Total over
 * its input: a missing value is stored as empty text, since one odd field must never cost the entry
 * (nor the others written in the same transaction).
 */
export function storableText(value: unknown, max = MAX_TEXT): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is removed
  return cut.replace(/\u0000/g, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

/** The detail object as JSON values the database keeps unchanged (finite numbers, clean strings). */
export function storableDetail(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return storableText(value);
  if (typeof value === 'bigint') return value.toString();
  if (depth >= MAX_DETAIL_DEPTH || typeof value !== 'object') return value === undefined ? null : '…';
  if (Array.isArray(value))
    return value.slice(0, MAX_DETAIL_KEYS).map((item) => storableDetail(item, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value).slice(0, MAX_DETAIL_KEYS)) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner === undefined || typeof inner === 'function') continue;
    out[storableText(key, 100)] = storableDetail(inner, depth + 1);
  }
  return out;
}

function uuidOrNull(value: string | null): string | null {
  return value && isUuid(value) ? value.toLowerCase() : null;
}

function toChainRow(row: AuditRow): ChainRow & { hash: string } {
  return {
    seq: Number(row.seq),
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    role: row.role,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    retireeId: row.retiree_id,
    ip: row.ip,
    result: row.result,
    detail: row.detail ?? {},
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toEntry(row: AuditRow): AuditEntry {
  const chain = toChainRow(row);
  return { ...chain, at: chain.at.toISOString() };
}

interface Pending {
  input: AuditEntryInput;
  resolve: (entry: AuditEntry) => void;
  reject: (error: unknown) => void;
}

export class AuditLog {
  /** The single writer's queue: what arrives while a batch is written goes into the next one. */
  private pending: Pending[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Adds one entry at the end of the chain; resolves with it as stored. */
  append(input: AuditEntryInput): Promise<AuditEntry> {
    // Milliseconds, as JavaScript dates carry: what is hashed is exactly what is read back.
    const at = new Date((input.at ?? this.clock()).getTime());
    return new Promise((resolve, reject) => {
      this.pending.push({ input: { ...input, at }, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves when every append asked for so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        const stored = await this.write(batch.map((item) => item.input));
        batch.forEach((item, index) => {
          item.resolve(stored[index] as AuditEntry);
        });
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.reject(error);
          continue;
        }
        // One bad entry must not take the others with it: write them one by one.
        for (const item of batch) {
          await this.write([item.input]).then(
            ([entry]) => item.resolve(entry as AuditEntry),
            (single: unknown) => item.reject(single),
          );
        }
      }
    }
    this.draining = null;
  }

  /** Writes entries in one transaction, under the lock every writer of this database takes. */
  private write(inputs: AuditEntryInput[]): Promise<AuditEntry[]> {
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      const [last] = await tx.query<{ seq: string; hash: string }>(
        'select seq::text as seq, hash from audit_log order by audit_log.seq desc limit 1',
      );
      let seq = last ? Number(last.seq) : 0;
      let prevHash = last?.hash ?? GENESIS_HASH;
      const entries: AuditEntry[] = [];
      for (const input of inputs) {
        seq += 1;
        const row: ChainRow = {
          seq,
          at: input.at ?? this.clock(),
          actorId: uuidOrNull(input.actorId),
          actorName: storableText(input.actorName, 200),
          role: storableText(input.role, 50),
          action: input.action,
          targetType: storableText(input.targetType, 100),
          targetId: storableText(input.targetId, 300),
          retireeId: uuidOrNull(input.retireeId),
          ip: storableText(input.ip, 100),
          result: storableText(input.result, 20),
          detail: storableDetail(input.detail ?? {}) as Record<string, unknown>,
          prevHash,
        };
        const hash = rowHash(row);
        const [stored] = await tx.query<AuditRow>(
          `insert into audit_log (seq, at, actor_id, actor_name, role, action, target_type, target_id,
             retiree_id, ip, result, detail, prev_hash, hash)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14)
           returning ${COLUMNS}`,
          // detail is stored as jsonb, from its JSON text
          [...chainFields(row).slice(0, -2), JSON.stringify(row.detail), row.prevHash, hash],
        );
        if (!stored) throw new Error('audit entry not stored');
        entries.push(toEntry(stored));
        prevHash = hash;
      }
      return entries;
    });
  }

  /** Reads the whole chain in seq order and reports the first row where it breaks. */
  async verify(): Promise<AuditVerifyResult> {
    const check = new ChainCheck();
    // Keyset pages by seq; appends during the walk only add rows after it.
    let after = 0;
    for (;;) {
      const rows = await this.db.query<AuditRow>(
        `select ${COLUMNS} from audit_log where audit_log.seq > $1 order by audit_log.seq limit $2`,
        [after, VERIFY_BATCH],
      );
      for (const row of rows) check.add(toChainRow(row));
      const last = rows.at(-1);
      if (!last || rows.length < VERIFY_BATCH) break;
      after = Number(last.seq);
    }
    return check.firstBad
      ? { ok: false, checked: check.checked, firstBad: check.firstBad }
      : { ok: true, checked: check.checked };
  }

  /** Entries newest first, filtered and paged. */
  async recent(filter: AuditFilter = {}): Promise<{ total: number; items: AuditEntry[] }> {
    for (const id of [filter.actorId, filter.retireeId]) {
      if (id && !isUuid(id)) return { total: 0, items: [] };
    }
    const conditions = new Filter()
      .when('action = ?', filter.action)
      .when('actor_id = ?', filter.actorId?.toLowerCase())
      .when('retiree_id = ?', filter.retireeId?.toLowerCase())
      .when('strpos(lower(actor_name), lower(?)) > 0', filter.actorName)
      .when('target_type = ?', filter.targetType)
      .when('result = ?', filter.result)
      .when('ip = ?', filter.ip)
      .when('at >= ?', filter.from && new Date(filter.from))
      .when('at < ?', filter.to && new Date(filter.to));
    const [count] = await this.db.query<{ total: number }>(
      `select count(*)::int as total from audit_log where ${conditions.sql}`,
      conditions.params,
    );
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const offset = Math.max(filter.offset ?? 0, 0);
    const rows = await this.db.query<AuditRow>(
      `select ${COLUMNS} from audit_log where ${conditions.sql} order by audit_log.seq desc
        limit ${conditions.param(limit)} offset ${conditions.param(offset)}`,
      conditions.params,
    );
    return { total: count?.total ?? 0, items: rows.map(toEntry) };
  }
}
