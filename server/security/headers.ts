/**
 * Response headers of every HTTP answer (OWASP ASVS 4.0.3 V14.4), set with @fastify/helmet when a
 * request arrives, so refusals, errors and 404s carry them too:
 *
 * - no page of the hub may be framed, by anyone (`frame-ancestors 'none'`, and `X-Frame-Options:
 *   DENY` for browsers that predate CSP 2): one click on an invisible dashboard acknowledges an SOS;
 * - the dashboard runs only its own scripts and stylesheets (no inline script, no `eval`), and
 *   talks only to its own origin (API and live channel);
 * - `/api` answers are data, never a page: `default-src 'none'` with `sandbox`, so an answer opened
 *   in a tab (an attachment, an export, a PDF, JSON) runs nothing and reaches nothing; and
 *   `Cache-Control: no-store`, because they carry health data (PIPL art. 51);
 * - `X-Content-Type-Options: nosniff` everywhere: a file is what its Content-Type says, never HTML
 *   guessed from its bytes;
 * - `Referrer-Policy: no-referrer`: addresses of the hub (retiree ids) go nowhere else;
 * - `Strict-Transport-Security` only on answers that came over TLS (RFC 6797 7.2: never over plain
 *   HTTP), so a hub reached once over HTTPS is never reached in clear again.
 *
 * OpenAPI's page at /docs sets a policy of its own (`DOCS_CSP`, app.ts).
 */
import type { TLSSocket } from 'node:tls';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** The dashboard (Vue 3, Element Plus, ECharts on canvas, the alarm made with Web Audio). */
export const DASHBOARD_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  // Stylesheets only from the hub; style *attributes* are what Vue's :style bindings, Element Plus
  // (popper positions, CSS variables) and ECharts' tooltips set. An attribute cannot select other
  // elements, so it cannot read a page the way an injected <style> can.
  'style-src': ["'self'"],
  'style-src-attr': ["'unsafe-inline'"],
  // Oral-history recordings, photos and PDFs are fetched with the session and shown as blob: URLs.
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'font-src': ["'self'", 'data:'],
  // The API and socket.io (polling and WebSocket: 'self' matches ws: and wss: of the same host).
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * The one inline stylesheet of Swagger UI (5.x, @fastify/swagger-ui 6.1): the <style> inside its
 * logo's SVG, `.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}`, by its hash.
 * Another version with another logo shows it uncoloured (test/browser/csp.test.ts reports it).
 */
const SWAGGER_LOGO_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/** Swagger UI at /docs: its own bundle and stylesheet; it fetches /docs/json. */
export const DOCS_CSP = [
  "default-src 'none'",
  "base-uri 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  `style-src 'self' ${SWAGGER_LOGO_STYLE}`,
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Every /api answer, and so every download: nothing in it runs, loads or may be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * For the few answers fastify writes before any hook runs (a URL that does not decode, a path
 * parameter too long): the same protection, as for an API answer.
 */
export const EARLY_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': API_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** One year; RFC 6797 6.1.1. Without includeSubDomains: the hub speaks for its own host only. */
export const HSTS = 'max-age=31536000';

export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: DASHBOARD_CSP_DIRECTIVES },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Set below, per request, when it came over TLS.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    if ((request.raw.socket as TLSSocket | undefined)?.encrypted === true) {
      reply.header('strict-transport-security', HSTS);
    }
    const pathname = request.url.split('?')[0] ?? '';
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      reply.header('content-security-policy', API_CSP);
      reply.header('cache-control', 'no-store');
    }
  });
}
