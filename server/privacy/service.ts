/** Export, deletion and retention together, as the routes and the composition root see them. */

import type { Decision, DeletionReceipt, RetentionReport } from '../schemas/privacy.ts';
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
