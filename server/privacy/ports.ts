/** What the privacy services need from the rest of the hub, kept narrow so each can be handed in. */
import type { TelemetryStore } from '../../gateway/index.ts';
import type { Database } from '../db/database.ts';

/** Who acts, and from where (for the receipt and the audit log). */
export interface Actor {
  id: string | null;
  name: string;
  role: string;
  ip: string;
}

/**
 * The audit log as this module writes to it: `AuditLog.append` (server/audit/log.ts) fits it. The
 * export and the deletion are recorded here, besides what the audit hook notes of the request.
 */
export interface PrivacyAudit {
  append(entry: {
    actorId: string | null;
    actorName: string;
    role: string;
    action: 'export' | 'delete';
    targetType: string;
    targetId: string;
    retireeId: string | null;
    ip: string;
    result: string;
    detail?: Record<string, unknown>;
  }): Promise<unknown>;
}

export interface PrivacyPorts {
  db: Database;
  telemetry: TelemetryStore;
  /** The batching writer in front of the store: flushed first, and its spool must be empty. */
  writer: { flush(): Promise<void>; readonly spool: { readonly isEmpty: boolean } };
  /** The broker: clears retained messages under topic filters (MqttGateway.clearRetained). */
  broker: { clearRetained(filters: string[]): Promise<string[]> };
  /** The device directory: a revoked device opens nothing and its session ends at once. */
  devices: { revoke(deviceId: string): void };
  /** Accounts: ends every session of one (and drops its live connections). */
  accounts: { endSessions(userId: string): Promise<unknown> };
  /** The hub's data folder; attachments live under `<dataDir>/attachments/<retiree>/<attachment>`. */
  dataDir: string;
  audit?: PrivacyAudit | undefined;
  now: () => Date;
}
