/** Export, deletion and retention of a person's data (PIPL art. 45, 47; 6.11.2.2). */
import { type Static, Type } from '@sinclair/typebox';
import { Nullable, Timestamp } from './common.ts';

export const PrivacyExportQuery = Type.Object({
  reason: Type.Optional(
    Type.String({ maxLength: 200, description: 'Why the export is made (6.1.2.8); at least 2 characters' }),
  ),
});
export type PrivacyExportQuery = Static<typeof PrivacyExportQuery>;

/** Checked field by field in the handler, so each gets its own message in Chinese. */
export const DeletionBody = Type.Object({
  decisionRef: Type.Optional(
    Type.String({ description: 'The decision’s reference (文号), e.g. 军休〔2026〕12号' }),
  ),
  decidedBy: Type.Optional(
    Type.String({ description: 'Who decided: the body or person that took the decision' }),
  ),
  reason: Type.Optional(Type.String({ description: 'Why the data is deleted' })),
});
export type DeletionBody = Static<typeof DeletionBody>;

export const Decision = Type.Object({
  decisionRef: Type.String(),
  decidedBy: Type.String(),
  reason: Type.String(),
});
export type Decision = Static<typeof Decision>;

export const TableCount = Type.Object({
  deleted: Type.Integer({ description: 'Rows deleted' }),
  detached: Type.Integer({ description: 'Rows kept with their reference to a deleted row set to null' }),
});

export const DeletionReceipt = Type.Object({
  id: Type.String({ format: 'uuid' }),
  retireeId: Type.String({ format: 'uuid' }),
  at: Timestamp,
  by: Type.Object({ id: Nullable(Type.String()), name: Type.String() }),
  decision: Decision,
  removed: Type.Object({
    records: Type.Object({
      rows: Type.Integer(),
      tables: Type.Record(Type.String(), TableCount),
    }),
    telemetry: Type.Object({
      store: Type.String(),
      values: Type.Integer({ description: 'Values deleted (one per field and instant)' }),
      devices: Type.Array(Type.String()),
    }),
    attachments: Type.Object({ files: Type.Integer(), bytes: Type.Integer() }),
    mqtt: Type.Object({ retainedTopics: Type.Array(Type.String()) }),
    devicesRevoked: Type.Array(Type.String()),
    familyAccountsDisabled: Type.Integer(),
  }),
  kept: Type.Array(Type.String(), {
    description: 'What is kept by design: the audit log, the tombstone, this receipt',
  }),
});
export type DeletionReceipt = Static<typeof DeletionReceipt>;

export const RetentionReport = Type.Object({
  id: Type.String({ format: 'uuid' }),
  at: Timestamp,
  telemetry: Type.Object({
    days: Nullable(Type.Integer(), { description: 'null: telemetry is kept (retention off)' }),
    before: Nullable(Timestamp),
    removed: Type.Integer(),
    store: Type.String(),
  }),
  closedRecords: Type.Object({
    days: Nullable(Type.Integer()),
    before: Nullable(Timestamp),
    removed: Type.Integer(),
    tables: Type.Record(Type.String(), TableCount),
  }),
});
export type RetentionReport = Static<typeof RetentionReport>;

export const ReceiptList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      retireeId: Nullable(Type.String()),
      at: Timestamp,
      byName: Type.String(),
      detail: Type.Unknown(),
    }),
  ),
});
