import { type Static, Type } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'Machine-readable error code, e.g. `bad_request`, `not_found`' }),
    message: Type.String({ description: 'What went wrong, for a person' }),
  },
  { $id: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type IdParams = Static<typeof IdParams>;

/** ISO 8601 timestamps in UTC; the dashboard shows them in Asia/Shanghai. */
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
