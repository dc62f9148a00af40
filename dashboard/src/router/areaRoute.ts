import type { RouteRecordRaw, RouteRecordSingleView } from 'vue-router';
import type { Access } from '../../../server/access/policy.ts';
import type { NavEntry, PageModule } from './pages.ts';

type View = RouteRecordSingleView['component'];

/**
 * The route of an area's page at `/<key>`, named `<key>`, titled like its menu entry (`nav.<key>`)
 * and open to whoever has `access`: the one route most page modules declare.
 */
export function areaRoute(key: string, component: View, access: Access): RouteRecordRaw {
  return { path: `/${key}`, name: key, component, meta: { title: `nav.${key}`, access } };
}

export interface AreaPageOptions {
  /** Position in its menu (NavEntry.order). */
  order: number;
  /** Its title in both languages, under `nav.<key>`. */
  title: { 'zh-CN': string; en: string };
  /** In the header's row of links; by default in the service-records menu. */
  placement?: NavEntry['placement'];
  /** Who sees the menu entry, when fewer than may open the page (the monitoring desk reads, but keeps no records). */
  navAccess?: Access;
  /** One record of the area at `/<key>/:id`, named `name`, under the page's title and access. */
  record?: { name: string; view: View };
}

/**
 * The page module of an area most pages are: its page at `/<key>` open to `access` (areaRoute), one
 * menu entry to it, and its title; `options.record` adds the page of one record.
 */
export function areaPage(key: string, view: View, access: Access, options: AreaPageOptions): PageModule {
  const { order, title, placement, navAccess, record } = options;
  const routes = [areaRoute(key, view, access)];
  if (record) {
    routes.push({
      path: `/${key}/:id`,
      name: record.name,
      component: record.view,
      props: true,
      meta: { title: `nav.${key}`, access },
    });
  }
  const entry: NavEntry = { key, to: `/${key}`, access: navAccess ?? access, order };
  if (placement) entry.placement = placement;
  return { routes, nav: [entry], titles: { 'zh-CN': { [key]: title['zh-CN'] }, en: { [key]: title.en } } };
}
