/**
 * Pages that register themselves: a folder under `views/` may hold a `route.ts` whose default export
 * is a `PageModule`: its routes, its entries in the service-records menu and the menu titles in both
 * languages. Adding a records page touches only its own folder.
 */
import type { RouteRecordRaw } from 'vue-router';
import { type Access, mayAccess } from '../../../server/access/policy.ts';
import type { User } from '../../../server/schemas/index.ts';
import { i18n } from '../modules/i18n.ts';

type Role = User['role'];

export interface RecordsNavEntry {
  /** Also the key of its title under `nav.` and its test id `nav-<key>`. */
  key: string;
  to: string;
  /**
   * What the page needs (server/access/policy.ts): the entry shows to the roles the server lets in,
   * from the same table the server checks on every request. The page's route says the same in
   * `meta.access`.
   */
  access: Access;
  /** Position in the menu, smaller first. */
  order: number;
}

export interface PageModule {
  routes: RouteRecordRaw[];
  nav?: RecordsNavEntry[];
  /** Menu titles, merged under `nav.`. */
  titles?: { 'zh-CN': Record<string, string>; en: Record<string, string> };
}

const found = import.meta.glob<{ default: PageModule }>('../views/*/route.ts', { eager: true });
const modules = Object.values(found).map((module) => module.default);

for (const module of modules) {
  if (!module.titles) continue;
  i18n.global.mergeLocaleMessage('zh-CN', { nav: module.titles['zh-CN'] });
  i18n.global.mergeLocaleMessage('en', { nav: module.titles.en });
}

export const pageRoutes: RouteRecordRaw[] = modules.flatMap((module) => module.routes);

export const recordsNav: RecordsNavEntry[] = modules
  .flatMap((module) => module.nav ?? [])
  .sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));

export function recordsNavFor(role: Role | null | undefined): RecordsNavEntry[] {
  return recordsNav.filter((entry) => mayAccess(entry.access, role));
}
