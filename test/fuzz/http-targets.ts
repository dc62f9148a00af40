/**
 * The routes of a running hub, read from its own OpenAPI document (`/docs/json`), and a request
 * built from a route and generated input. Shared by the property tests and the long fuzz run.
 */
import fc from 'fast-check';
import { encodeComponent, httpBody, pathValue, queryString } from './generators.ts';
import { type JsonSchema, schemaValue } from './schema-values.ts';

export interface Operation {
  method: string;
  /** As documented, with `{name}` for each path parameter. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyKeys: string[];
  hasBody: boolean;
  /** The body's JSON Schema as documented, when it has one. */
  bodySchema: JsonSchema | undefined;
  querySchemas: Record<string, JsonSchema>;
}

interface OpenApiParameter {
  in: string;
  name: string;
  schema?: JsonSchema;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/**
 * Routes that end the admin's own session or change how it signs in: sending them valid input
 * would only make every later request a 401, which tests nothing.
 */
const SESSION_ROUTES = new Set([
  'POST /api/auth/logout',
  'POST /api/auth/password',
  'PUT /api/auth/password',
]);

export async function loadOperations(url: string): Promise<Operation[]> {
  const response = await fetch(`${url}/docs/json`);
  if (!response.ok) throw new Error(`/docs/json answered ${response.status}`);
  const document = (await response.json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const upper = method.toUpperCase();
      if (SESSION_ROUTES.has(`${upper} ${path}`)) continue;
      const parameters = operation.parameters ?? [];
      const json = operation.requestBody?.content?.['application/json'];
      operations.push({
        method: upper,
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyKeys: Object.keys(json?.schema?.properties ?? {}),
        hasBody: json !== undefined,
        bodySchema: json?.schema,
        querySchemas: Object.fromEntries(
          parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}]),
        ),
      });
    }
  }
  return operations;
}

export interface HttpInput {
  operation: Operation;
  path: string;
  query: string;
  /** The text sent as an `application/json` body, or undefined for none. */
  body: string | undefined;
}

/**
 * One request to one route: path parameters that are real ids (so the handler goes past its 404)
 * or not ids at all, a query of the route's own parameters with wild values, a mutated body.
 */
export function httpInput(
  operations: readonly Operation[],
  knownIds: readonly string[],
): fc.Arbitrary<HttpInput> {
  const idValue = knownIds.length ? fc.oneof(fc.constantFrom(...knownIds), pathValue) : pathValue;
  return fc.constantFrom(...operations).chain((operation) =>
    fc
      .record({
        params: fc.tuple(...operation.pathParams.map(() => idValue)),
        query: fc.oneof(schemaQuery(operation.querySchemas), queryString(operation.queryParams)),
        body:
          operation.hasBody || operation.method !== 'GET'
            ? fc.option(
                operation.bodySchema
                  ? fc.oneof(
                      { weight: 3, arbitrary: schemaValue(operation.bodySchema) },
                      { weight: 2, arbitrary: httpBody(operation.bodyKeys) },
                    )
                  : httpBody(operation.bodyKeys),
                { freq: 8 },
              )
            : fc.constant(null),
      })
      .map(({ params, query, body }) => {
        let path = operation.path;
        operation.pathParams.forEach((name, index) => {
          path = path.replace(`{${name}}`, params[index] ?? '');
        });
        return {
          operation,
          path,
          query,
          body: body === null ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        };
      }),
  );
}

/** A query of the route's own parameters, each at the edges its schema allows, some left out. */
function schemaQuery(schemas: Record<string, JsonSchema>): fc.Arbitrary<string> {
  const entries = Object.entries(schemas);
  return fc
    .tuple(...entries.map(([, schema]) => fc.option(schemaValue(schema), { nil: undefined })))
    .map((values) =>
      entries
        .flatMap(([name], index) => {
          const value = values[index];
          if (value === undefined) return [];
          const list = Array.isArray(value) ? value : [value];
          return list.map((item) => `${encodeComponent(name)}=${encodeComponent(String(item))}`);
        })
        .join('&'),
    );
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

export async function send(
  url: string,
  token: string,
  input: {
    method: string;
    path: string;
    query?: string;
    body?: string | Buffer;
    contentType?: string;
    headers?: Record<string, string>;
    /** Gives up (and rejects) when the hub has not answered by then. */
    timeoutMs?: number;
  },
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...input.headers };
  if (input.body !== undefined) headers['content-type'] = input.contentType ?? 'application/json';
  const target = `${url}${input.path}${input.query ? `?${input.query}` : ''}`;
  const response = await fetch(target, {
    method: input.method,
    headers,
    ...(input.timeoutMs ? { signal: AbortSignal.timeout(input.timeoutMs) } : {}),
    ...(input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD'
      ? { body: input.body }
      : {}),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

/** A refusal must say what was wrong: `{error, message}`; undefined when the answer is right. */
export function problemWith(answer: Answer): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.status < 200 || (answer.status >= 300 && answer.status < 400 && answer.status !== 304))
    return `unexpected status ${answer.status}`;
  if (answer.status < 400) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    return `status ${answer.status} without a JSON body: ${answer.text.slice(0, 200)}`;
  }
  const body = parsed as { error?: unknown; message?: unknown };
  if (typeof body?.error !== 'string' || typeof body.message !== 'string' || body.message === '')
    return `status ${answer.status} without {error, message}: ${answer.text.slice(0, 200)}`;
  return undefined;
}
