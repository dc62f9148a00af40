/**
 * The one client of the hub's API, typed by the hub's own OpenAPI document (schema.d.ts, written by
 * `npm run api:types`): a path, its parameters, its body and its answer are checked against the
 * routes the server declares. Its middleware adds the session's bearer token, turns an answer
 * other than 2xx into `ApiError` with the server's `{error, message}`, and reports a 401 so the app
 * can send the user back to the login page.
 *
 * Each area of the API is called from one module: the frame's own (auth, alerts, retirees and the
 * wall, staff accounts) here in api/, a page's in its page module (views/<area>/api.ts).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, reportUnauthorized, storedToken } from './http.ts';
import type { paths } from './schema.d.ts';

export type { paths };
export { ApiError };

/**
 * The sign-in requests: sent without a bearer token (a stale one must not decide them), and their
 * 401 means "wrong password" or "wrong code", not "the session has ended".
 */
const ANONYMOUS: ReadonlySet<string> = new Set<keyof paths>([
  '/api/auth/login',
  '/api/auth/enrolment/totp',
  '/api/auth/enrolment/confirm',
  '/api/auth/session',
]);

/** The login's 401 and 429 carry what the next step needs (a TOTP code, a wait): it reads them itself. */
const READS_OWN_REFUSALS: ReadonlySet<string> = new Set<keyof paths>(['/api/auth/login']);

function isErrorBody(value: unknown): value is { error: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { error?: unknown }).error === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** The refusal in `response` as an ApiError, with the server's code and message when it gave them. */
async function refusal(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown = text || null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): only the status speaks.
  }
  if (isErrorBody(body)) return new ApiError(response.status, body.error, body.message, body);
  return new ApiError(
    response.status,
    `http_${response.status}`,
    response.statusText || 'Request failed',
    body,
  );
}

const session: Middleware = {
  onRequest({ request, schemaPath }) {
    const token = storedToken();
    if (token && !ANONYMOUS.has(schemaPath)) request.headers.set('Authorization', `Bearer ${token}`);
    if (!request.headers.has('Accept')) request.headers.set('Accept', 'application/json');
    return request;
  },
  async onResponse({ response, schemaPath }) {
    if (response.ok || READS_OWN_REFUSALS.has(schemaPath)) return undefined;
    if (response.status === 401 && !ANONYMOUS.has(schemaPath)) reportUnauthorized();
    throw await refusal(response);
  },
  onError({ error }) {
    if (error instanceof ApiError) return error;
    return new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  },
};

/**
 * Query values as the hub's routes read them: booleans and numbers as text, and an empty value
 * (a cleared filter) left out rather than sent as `name=`.
 */
function querySerializer(query: Record<string, unknown>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) parameters.append(name, String(item));
  }
  return parameters.toString();
}

/**
 * A client of the hub at `baseUrl` (the page's own origin when empty). Same-origin: the session
 * cookie goes with every call (the default, said aloud: after a reload the session rests on it alone).
 */
export function createApiClient(baseUrl = '') {
  const client = createClient<paths>({ baseUrl, credentials: 'same-origin', querySerializer });
  client.use(session);
  return client;
}

/** The dashboard's client, of the hub that served the page. */
export const api = createApiClient();

/** The answer's body: the middleware has already thrown for anything but a 2xx answer. */
export async function data<T>(pending: Promise<{ data?: T; response: Response }>): Promise<T> {
  return (await pending).data as T;
}

/**
 * The raw body of an upload (the file's bytes as they are, not JSON), sent as `type` or the file's
 * own type. The routes that take files read them raw, so the document declares no body for them.
 */
export function rawBody(
  file: Blob,
  type = file.type || 'application/octet-stream',
): { body: never; bodySerializer: (body: unknown) => Blob; headers: Record<string, string> } {
  return {
    body: file as never,
    bodySerializer: (body) => body as Blob,
    headers: { 'Content-Type': type },
  };
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body the route takes. */
export type BodyOf<P extends keyof paths, M extends Method = 'post'> = Json<
  NonNullable<Operation<P, M> extends { requestBody?: infer Request } ? Request : never>
>;

/** The query the route reads. */
export type QueryOf<P extends keyof paths, M extends Method = 'get'> = NonNullable<
  Operation<P, M> extends { parameters: { query?: infer Query } } ? Query : never
>;

/** The paths that answer `method`. */
export type PathWith<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P;
}[keyof paths];

/** The path's parameters in the order they stand in it (`/x/{id}/y/{retireeId}`: id, then retireeId). */
type PathArguments<P extends string, Given> = P extends `${string}{${infer Name}}${infer Rest}`
  ? [Name extends keyof Given ? Given[Name] : never, ...PathArguments<Rest, Given>]
  : [];

/** The query last: none when the route reads none, optional when every part of it is. */
export type QueryArgument<Query> = [Query] extends [never]
  ? []
  : Partial<Query> extends Query
    ? [query?: Query]
    : [query: Query];

/** The JSON body last: none when the route takes none, optional when the document says so. */
type BodyArgument<P extends keyof paths, M extends Method> = [BodyOf<P, M>] extends [never]
  ? []
  : Operation<P, M> extends { requestBody: unknown }
    ? [body: BodyOf<P, M>]
    : [body?: BodyOf<P, M>];

type Arguments<P extends keyof paths, M extends Method> = [
  ...PathArguments<P, Operation<P, M> extends { parameters: { path: infer Path } } ? Path : never>,
  ...(M extends 'get' ? QueryArgument<QueryOf<P, M>> : BodyArgument<P, M>),
];

/** The answer's body as openapi-fetch reads it: the JSON of the 2xx answer, nothing for a 204. */
export type AnswerOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer Responses }
    ? Json<Responses[keyof Responses & (200 | 201)]> | (204 extends keyof Responses ? undefined : never)
    : never;

/** A client method, as the makers below call it: their own signatures are what is checked. */
type Send = (path: string, init: object) => Promise<{ data?: unknown; response: Response }>;

/**
 * Makers of one-line calls of `client`, one a method: `calls.post(path)`, for the route
 * `POST /api/benefits/{id}/approve` say, is a function that takes the path's parameters in the order
 * they stand in it, then the JSON body (for a GET, the query), and resolves with the answer's body.
 * A call whose arguments come in another shape (a reason as text, a file) is written out in full.
 */
export function callsOf(client: ReturnType<typeof createApiClient>) {
  const maker =
    <M extends Method>(method: M) =>
    <P extends PathWith<M> & string>(path: P) => {
      const names = Array.from(path.matchAll(/\{(\w+)\}/g), (match) => match[1] as string);
      // TypeScript cannot match a generic path against the client's overloads, hence the casts here
      // and on the answer; the maker's own signature (Arguments, AnswerOf) checks every call site
      // against the same document instead.
      const send = client[method.toUpperCase() as Uppercase<M>] as unknown as Send;
      return (...values: Arguments<P, M>): Promise<AnswerOf<P, M>> => {
        const parameters: { path?: Record<string, unknown>; query?: unknown } = {};
        if (names.length > 0) {
          parameters.path = Object.fromEntries(names.map((name, at) => [name, values[at]]));
        }
        const last = values.length > names.length ? values[names.length] : undefined;
        if (method === 'get') parameters.query = last ?? {};
        const init =
          method === 'get' || last === undefined
            ? { params: parameters }
            : { params: parameters, body: last };
        return data(send(path, init)) as Promise<AnswerOf<P, M>>;
      };
    };
  return {
    get: maker('get'),
    post: maker('post'),
    put: maker('put'),
    patch: maker('patch'),
    delete: maker('delete'),
  };
}

/**
 * The one-line calls of the dashboard's client, each in its area's module (views/<area>/api.ts):
 * `export const getBenefit = call.get(…)` with the path of `GET /api/benefits/{id}`. The list, create
 * and export of one kind of record come together from `recordCalls()` (records.ts).
 */
export const call = callsOf(api);
