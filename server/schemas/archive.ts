/** The retiree archive (6.11.1 a), its history, attachments, access log (6.1.2.8) and import. */
import { type Static, Type } from '@sinclair/typebox';
import { Limit, Literals, Nullable, NullableTimestamp, Offset, Timestamp } from './common.ts';

const text = (max: number, description?: string) =>
  Type.String({ maxLength: max, ...(description ? { description } : {}) });

/** Values are checked by the archive itself, so that each wrong field gets its own message. */
const archiveFields = {
  name: text(200),
  gender: text(16, 'male | female'),
  birthDate: text(32, 'YYYY-MM-DD, not in the future'),
  idCard: Nullable(text(64, '居民身份证号 (GB 11643), unique; null or "" clears it')),
  rank: text(32, '师级 | 团级 | 营级及以下 | 士官'),
  centre: text(200),
  station: text(200),
  address: text(1000),
  phone: text(64, 'mobile (11 digits) or landline such as 028-12345678; "" clears it'),
  bloodType: text(32),
  conditions: text(4000, 'conditions (疾病情况); the same text as medicalHistory'),
  medication: text(4000),
  allergies: text(4000),
  livingSituation: text(32, 'alone | with_spouse | with_family | institution | ""'),
  bedridden: Type.Boolean({ description: '长期卧床' }),
  careArrangement: text(1000),
  partyMember: Type.Boolean(),
  partyBranch: text(200),
  hobbies: text(1000),
  skills: text(1000),
  serviceNeeds: text(2000),
  status: text(16, 'active | abroad | deceased'),
};

export const ArchiveUpdate = Type.Partial(Type.Object(archiveFields, { additionalProperties: false }), {
  minProperties: 1,
  additionalProperties: false,
});
export type ArchiveUpdate = Static<typeof ArchiveUpdate>;

export const ArchiveInput = Type.Object(
  {
    ...Type.Partial(Type.Object(archiveFields)).properties,
    name: archiveFields.name,
    gender: archiveFields.gender,
    birthDate: archiveFields.birthDate,
    rank: archiveFields.rank,
  },
  { additionalProperties: false },
);
export type ArchiveInput = Static<typeof ArchiveInput>;

export const FamilyMember = Type.Object({
  id: Type.String(),
  name: Type.String(),
  relation: Type.String(),
  phone: Type.String(),
  email: Nullable(Type.String()),
  priority: Type.Integer(),
  livesWith: Type.Boolean(),
});

export const FamilyMemberInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    relation: Type.String({ minLength: 1, maxLength: 32, description: 'e.g. 配偶, 儿子, 女儿' }),
    phone: Type.String({ maxLength: 32 }),
    livesWith: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type FamilyMemberInput = Static<typeof FamilyMemberInput>;

export const ArchiveRecord = Type.Object({
  id: Type.String(),
  ...archiveFields,
  idCard: Nullable(Type.String()),
  age: Type.Integer(),
  family: Type.Array(FamilyMember),
  createdAt: Timestamp,
  updatedAt: NullableTimestamp,
});
export type ArchiveRecord = Static<typeof ArchiveRecord>;

export const ArchiveListItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  gender: Type.String(),
  birthDate: Type.String(),
  age: Type.Integer(),
  idCard: Nullable(Type.String({ description: 'masked: region and last four' })),
  rank: Type.String(),
  centre: Type.String(),
  station: Type.String(),
  phone: Type.String(),
  livingSituation: Type.String(),
  bedridden: Type.Boolean(),
  status: Type.String(),
  updatedAt: NullableTimestamp,
});

export const ArchiveListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 64, description: 'name, ID-card number or phone, in part' })),
  centre: Type.Optional(Type.String({ maxLength: 64 })),
  station: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(Literals(['active', 'abroad', 'deceased'])),
  rank: Type.Optional(Literals(['师级', '团级', '营级及以下', '士官'])),
  livingSituation: Type.Optional(Literals(['alone', 'with_spouse', 'with_family', 'institution'])),
  bedridden: Type.Optional(Type.Boolean()),
  ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  sort: Type.Optional(Literals(['name', 'birthDate', 'createdAt', 'station'], { default: 'name' })),
  order: Type.Optional(Literals(['asc', 'desc'], { default: 'asc' })),
  limit: Limit(500, 50),
  offset: Type.Optional(Offset),
});
export type ArchiveListQuery = Static<typeof ArchiveListQuery>;

export const ArchiveList = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(ArchiveListItem),
});

const reason = Type.String({
  minLength: 2,
  maxLength: 200,
  description: 'Why the record is consulted (6.1.2.8); kept in the access log',
});
export const ReasonQuery = Type.Object({ reason });
export const ExportQuery = Type.Object({ ...ArchiveListQuery.properties, reason });
export type ExportQuery = Static<typeof ExportQuery>;

export const FieldErrorResponse = Type.Object({
  error: Type.String(),
  message: Type.String(),
  fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});

export const HistoryEntry = Type.Object({
  id: Type.Integer(),
  changedAt: Timestamp,
  changedBy: Nullable(Type.String()),
  changedByName: Nullable(Type.String()),
  source: Type.String({ description: 'edit | import | attachment' }),
  field: Type.String(),
  label: Type.String(),
  oldValue: Nullable(Type.String()),
  newValue: Nullable(Type.String()),
});
export const HistoryQuery = Type.Object({
  reason,
  limit: Limit(500, 100),
  offset: Type.Optional(Offset),
});

export const Attachment = Type.Object({
  id: Type.String(),
  retireeId: Type.String(),
  name: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  uploadedAt: Timestamp,
  uploadedBy: Nullable(Type.String()),
  uploadedByName: Nullable(Type.String()),
  withdrawnAt: NullableTimestamp,
  withdrawnBy: Nullable(Type.String()),
  withdrawnReason: Nullable(Type.String()),
});
export const AttachmentParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  attachmentId: Type.String({ minLength: 1, maxLength: 64 }),
});
export const UploadQuery = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) });
export const WithdrawBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { additionalProperties: false },
);

export const AccessLogQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  userId: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Literals(['record', 'history', 'attachment', 'export'])),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Limit(500, 100),
  offset: Type.Optional(Offset),
});
/** The access log's filters, for its workbook: every entry they find, newest first. */
export const AccessLogExportQuery = Type.Omit(AccessLogQuery, ['limit', 'offset']);
export type AccessLogExportQuery = Static<typeof AccessLogExportQuery>;
export const AccessLog = Type.Object({
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Timestamp,
      userId: Type.String(),
      userName: Type.String(),
      retireeId: Nullable(Type.String()),
      retireeName: Nullable(Type.String()),
      attachmentId: Nullable(Type.String()),
      action: Type.String(),
      reason: Type.String(),
    }),
  ),
});

export const ImportResult = Type.Object({ imported: Type.Integer(), ids: Type.Array(Type.String()) });
export const ImportErrors = Type.Object({
  error: Type.String(),
  message: Type.String(),
  errors: Type.Array(
    Type.Object({
      row: Type.Integer({ description: 'Excel row number; the header is row 1' }),
      column: Type.String({ description: 'the column header' }),
      field: Type.String(),
      message: Type.String({ description: 'in Chinese' }),
    }),
  ),
});
