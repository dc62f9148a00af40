/**
 * Every page registers itself: each folder under `views/` holds a `route.ts` whose default export is
 * a `PageModule`: its routes (gated by `meta.access` alone), its menu entries (in the header or in
 * the service-records menu) and their titles in both languages; most are one call of `areaPage`
 * (areaRoute.ts). The page's own words live in its `messages.ts`, loaded with the page. Adding a
 * page touches only its own folder.
 */
import type { RouteRecordRaw } from 'vue-router';
import { type Access, mayAccess } from '../../../server/access/policy.ts';
import type { User } from '../../../server/schemas/index.ts';
import { i18n } from '../modules/i18n.ts';

type Role = User['role'];

export interface NavEntry {
  /** Also the key of its title under `nav.` and its test id `nav-<key>`. */
  key: string;
  to: string;
  /**
   * Who sees the entry (server/access/policy.ts), from the same table the server checks on every
   * request; none: every member of staff. The page's route says what it needs in `meta.access`.
   */
  access?: Access;
  /** In the header's row of links, or in the service-records menu (the default). */
  placement?: 'header' | 'records';
  /** Position in its menu, smaller first; in the header, the records menu stands at `recordsMenuOrder`. */
  order: number;
  /** Marked active only on its own address (the wall at `/`), not below it. */
  exact?: boolean;
}

export interface PageModule {
  routes: RouteRecordRaw[];
  nav?: NavEntry[];
  /** Menu and page titles, merged under `nav.`. */
  titles?: { 'zh-CN': Record<string, string>; en: Record<string, string> };
}

/** Where the service-records menu stands among the header's links. */
export const recordsMenuOrder = 40;

const found = import.meta.glob<{ default: PageModule }>('../views/*/route.ts', { eager: true });
const modules = Object.values(found).map((module) => module.default);

for (const module of modules) {
  if (!module.titles) continue;
  i18n.global.mergeLocaleMessage('zh-CN', { nav: module.titles['zh-CN'] });
  i18n.global.mergeLocaleMessage('en', { nav: module.titles.en });
}

export const pageRoutes: RouteRecordRaw[] = modules.flatMap((module) => module.routes);

const navEntries: NavEntry[] = modules
  .flatMap((module) => module.nav ?? [])
  .sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));

function shownTo(entry: NavEntry, role: Role | null | undefined): boolean {
  if (!role || role === 'family') return false;
  return entry.access === undefined || mayAccess(entry.access, role);
}

export const recordsNav: NavEntry[] = navEntries.filter(
  (entry) => (entry.placement ?? 'records') === 'records',
);

export const headerNav: NavEntry[] = navEntries.filter((entry) => entry.placement === 'header');

export function recordsNavFor(role: Role | null | undefined): NavEntry[] {
  return recordsNav.filter((entry) => shownTo(entry, role));
}

export function headerNavFor(role: Role | null | undefined): NavEntry[] {
  return headerNav.filter((entry) => shownTo(entry, role));
}
