/**
 * Which browser pages may act on the hub (OWASP ASVS 4.0.3 13.2.3; W3C Fetch Metadata). One rule
 * for the API and the live channel: a page of the hub's own origin, or of an origin listed in
 * HUB_ALLOWED_ORIGINS. SameSite cookies are scoped by *site*, not origin (RFC 6265bis: another port
 * of the same host is the same site, so SameSite=Strict still sends the session cookie from there),
 * which is why the origin itself is checked.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** What the check reads of a request: its headers (node's IncomingMessage has them). */
export interface HasHeaders {
  headers: IncomingHttpHeaders;
}

/** One header's value, the first when it was sent more than once. */
function header(request: HasHeaders, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * True when `origin` (an Origin header's value) is the host the request was sent to (its Host
 * header) or one of `allowed`; false for anything else, including `null` and what does not parse.
 */
export function originMatches(request: HasHeaders, origin: string, allowed: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) return false;
  if (allowed.includes(parsed.origin)) return true;
  const host = header(request, 'host');
  return host !== undefined && parsed.host === host.toLowerCase();
}

/** True when `origin` is one of the listed origins (HUB_ALLOWED_ORIGINS, normalized at start). */
function allowedOrigin(origin: string, allowed: readonly string[]): boolean {
  try {
    return allowed.includes(new URL(origin).origin);
  } catch {
    return false;
  }
}

/**
 * Cross-site WebSocket hijacking is a browser attack, and browsers always send Origin on a
 * WebSocket and on a cross-origin request: with an Origin, it must be the host the request was
 * sent to or an allowed one. Without one (a same-origin poll, a non-browser client) the token
 * alone decides.
 */
export function originAllowed(request: HasHeaders, allowed: readonly string[]): boolean {
  const origin = header(request, 'origin');
  return origin === undefined || originMatches(request, origin, allowed);
}

/** Why a state-changing API request was refused as cross-origin. */
export type CrossOriginReason = 'fetch_site' | 'origin' | 'no_origin';

/**
 * Whether a state-changing request (not GET, HEAD or OPTIONS) may go on, judged before anything
 * else of it is read; null when it may, else why not:
 *
 * - with `Authorization: Bearer …` it may: a page of another origin cannot add that header without
 *   a CORS preflight, which the hub never grants;
 * - a browser's `Sec-Fetch-Site: same-origin` may; an `Origin` listed in HUB_ALLOWED_ORIGINS may,
 *   whatever Sec-Fetch-Site says (the centre named that origin);
 * - any other `Sec-Fetch-Site` may not: `same-site` is a page on another port or subdomain, exactly
 *   the page this guards against;
 * - from a browser too old to send Sec-Fetch-Site, `Origin` must be the hub's own;
 * - with neither header, only a request without the session cookie goes on (a script signing in):
 *   browsers send one of them with every POST a page makes, so a cookie without them is not the
 *   dashboard's.
 */
export function crossOriginReason(
  request: HasHeaders & { method?: string | undefined },
  allowed: readonly string[],
  hasSessionCookie: boolean,
): CrossOriginReason | null {
  const method = (request.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
  // As the guard reads it (access/guard.ts bearerToken): with this header the cookie is not used.
  if (header(request, 'authorization')?.startsWith('Bearer ')) return null;
  const site = header(request, 'sec-fetch-site')?.trim().toLowerCase();
  if (site === 'same-origin') return null;
  const origin = header(request, 'origin');
  if (origin !== undefined && allowedOrigin(origin, allowed)) return null;
  if (site !== undefined) return 'fetch_site';
  if (origin !== undefined) return originMatches(request, origin, []) ? null : 'origin';
  return hasSessionCookie ? 'no_origin' : null;
}
