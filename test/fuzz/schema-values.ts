/**
 * Values that pass a route's own JSON Schema (as its OpenAPI document gives it) but sit at its
 * edges: the longest strings, a NUL or an emoji inside them, dates of year 0001 and 9999, a leap
 * second, integers beyond 32 bits where no maximum is set. Validation lets them through, so they
 * reach the handler, the SQL and the date arithmetic behind it, where a 500 would hide.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  multipleOf?: number;
  minProperties?: number;
  default?: unknown;
}

const DATES = [
  '0001-01-01',
  '9999-12-31',
  '2024-02-29',
  '1970-01-01',
  '1900-02-28',
  '2026-11-29',
  '2038-01-19',
];
const DATE_TIMES = [
  '0001-01-01T00:00:00Z',
  '0000-01-01T00:00:00+14:00',
  '9999-12-31T23:59:59-12:00',
  '2026-06-30T23:59:60Z',
  '1970-01-01T00:00:00.000Z',
  '2026-11-29T10:00:00.123456789+08:00',
  '2026-11-29T10:00:00Z',
];
/** Candidates tried against a pattern; the first that matches is used. */
const PATTERN_CANDIDATES = [
  '13800000000',
  'a',
  'abc-1',
  'fuzz-device-1',
  '0x00124b0001020304',
  '2026-11',
  '2026',
  '10:00',
  'A',
  '1',
];

function text(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.pattern) {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      pattern = undefined;
    }
    const fits = PATTERN_CANDIDATES.filter((candidate) => pattern?.test(candidate));
    return fits.length ? fc.constantFrom(...fits) : fc.constant('a');
  }
  if (schema.format === 'date') return fc.constantFrom(...DATES);
  if (schema.format === 'date-time') return fc.constantFrom(...DATE_TIMES);
  if (schema.format === 'email') return fc.constantFrom('a@b.cn', `${'x'.repeat(60)}@example.com`);
  if (schema.format === 'uuid') return fc.uuid();
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 4000, 4000);
  const fill = (unit: string) => (length: number) =>
    unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  // Plain lists, not filters: a filter that never passes would make fast-check retry for ever.
  const fits = (value: string) => value.length >= min && value.length <= max;
  const edges = [
    fill('值')(max),
    fill('x')(Math.max(min, 1)),
    fill('😀')(max),
    // A NUL, a lone surrogate, a bidi override: text a database or a PDF may refuse.
    ...['a\u0000b', '\ud800', '😀', '\u202e', '<script>', "'; --", '%s%n', '..\\..'].map((value) =>
      value.length < min ? value + fill('x')(min - value.length) : value,
    ),
  ].filter(fits);
  const plain = fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, min + 20)) });
  return edges.length ? fc.oneof(plain, fc.constantFrom(...edges)) : plain;
}

function integer(schema: JsonSchema, isInteger: boolean): fc.Arbitrary<number> {
  const min =
    schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : undefined);
  const max =
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : undefined);
  const edges = [
    min,
    max,
    min === undefined ? -(2 ** 31) - 1 : undefined,
    max === undefined ? 2 ** 31 : undefined,
  ]
    .concat(max === undefined ? [Number.MAX_SAFE_INTEGER, 1e300] : [])
    .filter((value): value is number => value !== undefined)
    .filter((value) => (isInteger ? Number.isSafeInteger(value) || Math.abs(value) >= 2 ** 53 : true));
  const low = min ?? -1e6;
  const high = max ?? 1e6;
  const inside = isInteger
    ? fc.integer({ min: Math.ceil(Math.max(low, -(2 ** 31))), max: Math.floor(Math.min(high, 2 ** 31 - 1)) })
    : fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true });
  return edges.length ? fc.oneof(inside, fc.constantFrom(...edges)) : inside;
}

/** A value of `schema` at its edges; depth keeps nested arrays and objects small. */
export function schemaValue(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const value = schemaValueOf(schema, depth);
  return schema.nullable ? fc.oneof(value, fc.constant(null)) : value;
}

function schemaValueOf(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const members = schema.anyOf ?? schema.oneOf;
  if (members?.length) return fc.oneof(...members.map((member) => schemaValue(member, depth)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return text(schema);
    case 'integer':
      return integer(schema, true);
    case 'number':
      return integer(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth > 3) return fc.constant([]);
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3));
      return fc.array(schemaValue(schema.items ?? {}, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      if (depth > 3) return fc.constant({});
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(schema.properties ?? {});
      return fc
        .tuple(
          ...entries.map(([name, property]) =>
            required.has(name)
              ? schemaValue(property, depth + 1)
              : fc.option(schemaValue(property, depth + 1), { nil: undefined, freq: 3 }),
          ),
        )
        .map((values) => {
          const object: Record<string, unknown> = {};
          entries.forEach(([name], index) => {
            if (values[index] !== undefined) object[name] = values[index];
          });
          return object;
        });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
