/**
 * Which API routes read or change a health record (6.11.2.2: "retrieve and update records only as
 * authorised", so every such retrieval is logged). Judged on the matched route pattern, most
 * specific first; a new route under one of these prefixes is logged without further work. A route
 * not listed is logged only when it refuses someone (401/403).
 */
export interface HealthRoute {
  /** A route pattern prefix, e.g. `/api/medical/`; without a trailing `/` it also matches itself and `prefix.xlsx`. */
  prefix: string;
  /** The audit entry's target_type. */
  type: string;
}

export const HEALTH_ROUTES: readonly HealthRoute[] = [
  // the retiree archive: basic data, family, health record, attachments, history (6.11.1 a)
  { prefix: '/api/archive/retirees', type: 'archive' },
  { prefix: '/api/archive/import', type: 'archive' },
  // the emergency rescue card (6.5.2.6) and the vitals from the devices (6.11.2.4)
  { prefix: '/api/retirees/:id/rescue-card', type: 'rescue_card' },
  { prefix: '/api/retirees/:id/vitals', type: 'vitals' },
  { prefix: '/api/retirees/:id/consents', type: 'consent' },
  { prefix: '/api/retirees/:id/family-accounts', type: 'family_account' },
  { prefix: '/api/retirees/:id/contacts', type: 'contact' },
  { prefix: '/api/retirees', type: 'retiree' },
  // what a family member sees of their relative
  { prefix: '/api/family/', type: 'family_page' },
  // health checks, the health record's items, out-of-town medical care (6.5)
  { prefix: '/api/medical/', type: 'medical' },
  // alerts: falls, heart rate, oxygen, SOS (6.11.2.4)
  { prefix: '/api/alerts', type: 'alert' },
  // visits and their records, flags per retiree (6.8)
  { prefix: '/api/visits/records', type: 'visit' },
  { prefix: '/api/visits/retirees/', type: 'visit' },
  { prefix: '/api/visits/follow-ups', type: 'visit' },
  { prefix: '/api/visits/tasks', type: 'visit' },
  // elderly care, benefits, after death, intake of a new retiree, convalescence
  { prefix: '/api/care/', type: 'care' },
  { prefix: '/api/benefits', type: 'benefit' },
  { prefix: '/api/benefit-cards', type: 'benefit' },
  { prefix: '/api/bereavement', type: 'bereavement' },
  { prefix: '/api/intake/', type: 'intake' },
  { prefix: '/api/reception/convalescence', type: 'convalescence' },
];

export function healthRouteOf(route: string | undefined): HealthRoute | undefined {
  if (!route) return undefined;
  return HEALTH_ROUTES.find(({ prefix }) =>
    prefix.endsWith('/')
      ? route.startsWith(prefix)
      : route === prefix || route.startsWith(`${prefix}/`) || route.startsWith(`${prefix}.`),
  );
}

/** Route patterns whose `:id` is a retiree's id: `…/retirees/:id…`, and the health record. */
const RETIREE_ID_PARAM = [/(^|\/)retirees\/:id(\/|\.|$)/, /^\/api\/medical\/records\/:id(\/|$)/];

export function idParamIsRetiree(route: string): boolean {
  return RETIREE_ID_PARAM.some((pattern) => pattern.test(route));
}
