/**
 * The hash chain of the audit log, pure: how a row is written down canonically and hashed. A row's
 * hash covers every field of it and the previous row's hash, so changing, removing or reordering a
 * row breaks the chain from that row on.
 */
import { createHash } from 'node:crypto';
import type { AuditAction } from '../schemas/audit.ts';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version of the serialisation below, hashed with every row so a future format cannot be confused with it. */
const FORMAT = 1;

/** A row as stored, before or after its hash is known. */
export interface ChainRow {
  seq: number;
  at: Date;
  actorId: string | null;
  actorName: string;
  role: string;
  action: AuditAction;
  targetType: string;
  targetId: string;
  retireeId: string | null;
  ip: string;
  result: string;
  detail: Record<string, unknown>;
  prevHash: string;
}

/** JSON with object keys sorted at every depth: the stored jsonb keeps its own key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // No prototype: a key named __proto__ stays a key.
    const sorted: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner !== undefined) sorted[key] = sortKeys(inner);
    }
    return sorted;
  }
  return value;
}

/** A row's fields in the chain's fixed order: the hashed text and the table's insert both take them so. */
export function chainFields(row: ChainRow) {
  return [
    row.seq,
    row.at,
    row.actorId,
    row.actorName,
    row.role,
    row.action,
    row.targetType,
    row.targetId,
    row.retireeId,
    row.ip,
    row.result,
    row.detail,
    row.prevHash,
  ] as const;
}

/** The exact text that is hashed: a JSON array of the fields in a fixed order. */
export function canonicalRow(row: ChainRow): string {
  const [seq, at, ...rest] = chainFields(row);
  return canonicalJson([FORMAT, String(seq), at.toISOString(), ...rest]);
}

export function rowHash(row: ChainRow): string {
  return createHash('sha256').update(canonicalRow(row), 'utf8').digest('hex');
}

/** Where a chain first goes wrong, read row by row in seq order. */
export class ChainCheck {
  private expectedSeq = 1;
  private expectedPrev = GENESIS_HASH;
  checked = 0;
  firstBad: { seq: number; reason: string } | undefined;

  add(row: ChainRow & { hash: string }): void {
    this.checked += 1;
    if (!this.firstBad) {
      const reason = this.problem(row);
      if (reason) this.firstBad = { seq: row.seq, reason };
    }
    // Go on from what is stored, so only the first break is reported and the count is complete.
    this.expectedSeq = row.seq + 1;
    this.expectedPrev = row.hash;
  }

  private problem(row: ChainRow & { hash: string }): string | undefined {
    if (row.seq !== this.expectedSeq) {
      return row.seq > this.expectedSeq
        ? `rows missing before seq ${row.seq}: expected seq ${this.expectedSeq} (记录缺失)`
        : `seq out of order: expected ${this.expectedSeq} (顺序被改动)`;
    }
    if (rowHash(row) !== row.hash) return 'row changed: its hash does not match its contents (记录被改动)';
    if (row.prevHash !== this.expectedPrev) {
      return `chain broken: prev_hash does not match the hash of seq ${row.seq - 1} (链条断裂)`;
    }
    return undefined;
  }
}
