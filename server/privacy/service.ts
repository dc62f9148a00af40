/** Export, deletion and retention together, as the routes and the composition root see them. */
import type { Static } from '@sinclair/typebox';

import type { Decision, DeletionReceipt, ReceiptList, RetentionReport } from '../schemas/privacy.ts';
import { deleteRetiree } from './deletion.ts';
import { exportRetiree, type RetireeExport } from './export.ts';
import type { Actor, PrivacyPorts } from './ports.ts';
import type { RetentionJob } from './retention.ts';

export class Privacy {
  constructor(
    private readonly ports: PrivacyPorts,
    readonly retention: RetentionJob,
  ) {}

  async export(retireeId: string, reason: string, actor: Actor): Promise<RetireeExport> {
    const result = await exportRetiree(this.ports, retireeId, { reason, actor });
    await this.record(actor, 'export', retireeId, { reason, ...result.summary });
    return result;
  }

  async delete(retireeId: string, decision: Decision, actor: Actor): Promise<DeletionReceipt> {
    const receipt = await deleteRetiree(this.ports, retireeId, decision, actor);
    await this.record(actor, 'delete', retireeId, {
      receiptId: receipt.id,
      ...decision,
      rows: receipt.removed.records.rows,
      telemetryValues: receipt.removed.telemetry.values,
      files: receipt.removed.attachments.files,
      retainedTopics: receipt.removed.mqtt.retainedTopics.length,
    });
    return receipt;
  }

  runRetention(): Promise<RetentionReport> {
    return this.retention.run();
  }

  /** Receipts of deletions and retention runs, newest first. */
  async receipts(limit: number): Promise<Static<typeof ReceiptList>['items']> {
    const rows = await this.ports.db.query<{
      id: string;
      kind: string;
      retiree_id: string | null;
      at: Date;
      by_name: string;
      detail: unknown;
    }>('select id, kind, retiree_id, at, by_name, detail from privacy_receipts order by at desc limit $1', [
      limit,
    ]);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      retireeId: row.retiree_id,
      at: new Date(row.at).toISOString(),
      byName: row.by_name,
      detail: row.detail,
    }));
  }

  /** The audit log's entry for an export or a deletion (PIPL art. 55; 6.11.2.2). */
  private async record(
    actor: Actor,
    action: 'export' | 'delete',
    retireeId: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.ports.audit?.append({
      actorId: actor.id,
      actorName: actor.name,
      role: actor.role,
      action,
      targetType: 'retiree_privacy',
      targetId: retireeId,
      retireeId,
      ip: actor.ip,
      result: 'ok',
      detail,
    });
  }
}
