/**
 * The `date-time` format of every schema, narrowed to instants JavaScript and PostgreSQL can both
 * hold. RFC 3339 (as ajv-formats checks it) allows a leap second, which `Date` cannot parse, and
 * year 0000 with an offset, which lands in year -1; either one passed validation and then failed
 * as a 500 (e.g. `GET /api/archive/access-log?from=0000-01-01T00:00:00+14:00`). Now a 400.
 */

interface FormatDefinition {
  validate: (value: string) => boolean;
  compare?: (a: string, b: string) => number | undefined;
}

/** The part of Ajv this needs (ajv is fastify's, not a dependency of ours). */
interface FormatRegistry {
  formats: Record<string, unknown>;
  addFormat(name: string, format: FormatDefinition & { type: 'string' }): unknown;
}

/** Whether `value` names an instant of UTC years 1 to 9999. */
export function isStorableInstant(value: string): boolean {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1 && year <= 9999;
}

export function narrowDateTime(ajv: FormatRegistry): void {
  const original = ajv.formats['date-time'] as FormatDefinition | RegExp | undefined;
  const rfc3339 = (value: string) =>
    original instanceof RegExp
      ? original.test(value)
      : typeof original?.validate === 'function'
        ? original.validate(value)
        : true;
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value) => rfc3339(value) && isStorableInstant(value),
    ...(original && !(original instanceof RegExp) && original.compare ? { compare: original.compare } : {}),
  });
}
