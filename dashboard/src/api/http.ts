/**
 * The one place that talks HTTP to the hub: adds the bearer token, turns `{error, message}` replies
 * into `ApiError`, and reports a 401 so the app can send the user back to the login page.
 *
 * The token of a sign-in is kept in memory only, never in Web Storage, where any script of the
 * page could read it and take it elsewhere (OWASP ASVS 3.2.3). After a reload it is gone, and the
 * HttpOnly session cookie, which same-origin requests carry by themselves, speaks for the session.
 */
import type { ErrorResponse } from '../../../server/schemas/index.ts';

let sessionToken: string | null = null;

// Earlier builds kept the token in localStorage: one left there is removed, unused.
try {
  localStorage.removeItem('junxiu.token');
} catch {
  // Storage may be unavailable (a privacy mode): nothing was kept there either.
}

/** The bearer token of a sign-in made in this page, or null (after a reload: the cookie speaks). */
export function storedToken(): string | null {
  return sessionToken;
}

/** Keeps (or, with null, forgets) the token in memory. */
export function storeToken(token: string | null): void {
  sessionToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Called on any 401 except the login request itself, whose 401 means "wrong password". */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** Login answers 401 for a wrong password; that must not be treated as an expired session. */
  anonymous?: boolean;
}

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) parameters.set(key, String(value));
  }
  const text = parameters.toString();
  return text ? `${path}?${text}` : path;
}

function isErrorResponse(value: unknown): value is ErrorResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorResponse).error === 'string' &&
    typeof (value as ErrorResponse).message === 'string'
  );
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = storedToken();
  if (token && !options.anonymous) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // The session cookie goes with it (the default, said aloud: the session may rest on it alone).
      credentials: 'same-origin',
    });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }

  const text = await response.text();
  let payload: unknown = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
  }

  if (!response.ok) {
    if (response.status === 401 && !options.anonymous) unauthorizedHandler?.();
    if (isErrorResponse(payload)) throw new ApiError(response.status, payload.error, payload.message);
    throw new ApiError(response.status, `http_${response.status}`, response.statusText || 'Request failed');
  }
  return payload as T;
}
