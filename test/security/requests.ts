/**
 * Requests for the access matrix, built from the hub's own OpenAPI document: a value that passes a
 * JSON schema (so a route's role check, which runs in its handler after validation, is reached),
 * and one that fails it (so an allowed caller is answered 400 and nothing changes).
 */

import type { JsonSchema } from '../fuzz/schema-values.ts';

export interface Operation {
  /** `METHOD /path` with `:name` for each path parameter, as the routes are written. */
  route: string;
  method: string;
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export function operationsOf(document: {
  paths: Record<string, Record<string, OpenApiOperation>>;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [documented, methods] of Object.entries(document.paths)) {
    const path = documented.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(methods)) {
      const upper = method.toUpperCase();
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(upper)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        route: `${upper} ${path}`,
        method: upper,
        path,
        pathParams: parameters
          .filter((p) => p.in === 'path')
          .map((p) => ({ name: p.name, schema: p.schema })),
        query: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema })),
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

/** Ids that exist nowhere: an allowed caller gets 404, a refused one its 401/403 first. */
export const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

const DATE = '2026-03-02';
const STRING_CANDIDATES = [
  DATE,
  '2026-03',
  '2026',
  '123456',
  '13800000000',
  'abc123',
  '0x0011223344556677',
  'zigbee2mqtt',
];

function fitsString(schema: JsonSchema, value: string): boolean {
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return false;
  return true;
}

function stringFor(schema: JsonSchema, name: string, ids: Record<string, string>): string {
  if (schema.format === 'date') return DATE;
  if (schema.format === 'date-time') return '2026-03-02T08:00:00.000Z';
  if (schema.format === 'email') return 'someone@example.org';
  if (schema.format === 'uri') return 'https://example.org/hook';
  if (name === 'target') return 'family@example.org';
  const id = ids[name];
  if (id !== undefined && fitsString(schema, id)) return id;
  if (/id$/i.test(name) && fitsString(schema, NO_SUCH_ID)) return NO_SUCH_ID;
  for (const candidate of STRING_CANDIDATES) if (fitsString(schema, candidate)) return candidate;
  const plain = 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
  if (fitsString(schema, plain)) return plain;
  const password = 'Valid-password-1234';
  if (fitsString(schema, password)) return password;
  throw new Error(`no example string for ${name}: ${JSON.stringify(schema)}`);
}

function numberFor(schema: JsonSchema, integer: boolean): number {
  let value = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
  if (schema.maximum !== undefined && value > schema.maximum) value = schema.maximum;
  if (schema.multipleOf) value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  return integer ? Math.ceil(value) : value;
}

/**
 * A value that passes `schema`. `ids` fills properties by name (e.g. `retireeId`); only required
 * properties are filled, plus optional ones named in `ids` and enough to meet `minProperties`.
 */
export function validValue(schema: JsonSchema, ids: Record<string, string>, name = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) {
    const option = schema.anyOf.find((o) => o.type !== 'null') ?? schema.anyOf[0];
    return validValue(option as JsonSchema, ids, name);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema, name, ids);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return true;
    case 'array': {
      const count = schema.minItems ?? 0;
      return Array.from({ length: count }, () => validValue(schema.items ?? {}, ids, name));
    }
    case 'object':
    case undefined: {
      const properties = schema.properties ?? {};
      const keys = new Set(schema.required ?? []);
      for (const key of Object.keys(properties)) if (ids[key] !== undefined) keys.add(key);
      for (const key of Object.keys(properties)) {
        if (keys.size >= (schema.minProperties ?? 0)) break;
        keys.add(key);
      }
      const value: Record<string, unknown> = {};
      for (const key of keys) {
        const property = properties[key];
        if (property) value[key] = validValue(property, ids, key);
      }
      return value;
    }
    default:
      return null;
  }
}

/** A body that fails any object schema: fastify answers 400 before the handler runs. */
export const INVALID_BODY = '["not an object"]';
