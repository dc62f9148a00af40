import {
  type SchemaOptions,
  type Static,
  type TLiteral,
  type TSchema,
  type TUnion,
  Type,
} from '@sinclair/typebox';

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

/**
 * Rows to skip in a paged list. Bounded: `offset=1e300` is an integer to the validator and then
 * out of range for PostgreSQL's OFFSET, a 500 instead of a 400.
 */
export const Offset = Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 });

/**
 * `T` or null. Null comes first so that the validator, which coerces types, sees null match
 * before it would turn it into "" or 0 for the other branch.
 */
export function Nullable<T extends TSchema>(schema: T, options: SchemaOptions = {}) {
  return Type.Union([Type.Null(), schema], options);
}

/** ISO 8601 timestamps in UTC; the dashboard shows them in Asia/Shanghai. */
/** A string that is one of `values`, as a union of literals in their order. */
export function Literals<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as never;
}

/** A list's page size: 1 to `maximum` rows, `fallback` when the query names none. */
export function Limit(maximum: number, fallback: number) {
  return Type.Optional(Type.Integer({ minimum: 1, maximum, default: fallback }));
}

/** The retiree a record is about, with the name the lists show (spread into the record's schema). */
export const RetireeNamed = { retireeId: Type.String(), retireeName: Type.String() };

/** A calendar day in the centre (Asia/Shanghai). */
export const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, centre time' });

/** A calendar month in the centre: a pay period. */
export const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Nullable(Timestamp);
