/**
 * What every call to the hub shares (api/client.ts and api/download.ts): the session's bearer token,
 * `ApiError` for a refused or failed call, and the report of a 401 so the app can send the user
 * back to the login page.
 *
 * The token of a sign-in is kept in memory only, never in Web Storage, where any script of the
 * page could read it and take it elsewhere (OWASP ASVS 3.2.3). After a reload it is gone, and the
 * HttpOnly session cookie, which same-origin requests carry by themselves, speaks for the session.
 */

let sessionToken: string | null = null;

// Earlier builds kept the token in localStorage: one left there is removed, unused. (Read off
// globalThis: the module also runs in Node, in the tests of the client, where there is none.)
try {
  (globalThis as { localStorage?: { removeItem(key: string): void } }).localStorage?.removeItem(
    'junxiu.token',
  );
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

/**
 * A call the hub refused (`status` and the `error` code of its `{error, message}` answer, or
 * `http_<status>` when the answer had none) or that never reached it (status 0, code `network`).
 * `body` is the refusal as parsed, for callers that read more of it (per-field or per-row errors).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Called on any 401 except those of the sign-in requests, whose 401 means "wrong password". */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

/** The session is gone (expired, revoked, signed out elsewhere). */
export function reportUnauthorized(): void {
  unauthorizedHandler?.();
}
