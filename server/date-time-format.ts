/**
 * The `date-time` and `date` formats of every schema, narrowed to what JavaScript and PostgreSQL
 * can both hold. RFC 3339 (as ajv-formats checks it) allows a leap second, which `Date` cannot
 * parse, and year 0000, which PostgreSQL has no date for (or year -1 once an offset is applied);
 * each passed validation and then failed as a 500 (e.g. `GET /api/archive/access-log?from=
 * 0000-01-01T00:00:00+14:00`, `POST /api/retirees` with `birthDate: "0000-01-01"`). Now a 400.
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

/** Whether a `YYYY-MM-DD` date falls in years 1 to 9999 (PostgreSQL has no year 0). */
export function isStorableDate(value: string): boolean {
  return !value.startsWith('0000');
}

function narrow(ajv: FormatRegistry, name: string, storable: (value: string) => boolean): void {
  const original = ajv.formats[name] as FormatDefinition | RegExp | undefined;
  const rfc3339 = (value: string) =>
    original instanceof RegExp
      ? original.test(value)
      : typeof original?.validate === 'function'
        ? original.validate(value)
        : true;
  ajv.addFormat(name, {
    type: 'string',
    validate: (value) => rfc3339(value) && storable(value),
    ...(original && !(original instanceof RegExp) && original.compare ? { compare: original.compare } : {}),
  });
}

export function narrowDateTime(ajv: FormatRegistry): void {
  narrow(ajv, 'date-time', isStorableInstant);
  narrow(ajv, 'date', isStorableDate);
}
