import type { RouteRecordRaw, RouteRecordSingleView } from 'vue-router';
import type { Access } from '../../../server/access/policy.ts';

/**
 * The route of an area's page at `/<key>`, named `<key>`, titled like its menu entry (`nav.<key>`)
 * and open to whoever has `access`: the one route most page modules declare.
 */
export function areaRoute(
  key: string,
  component: RouteRecordSingleView['component'],
  access: Access,
): RouteRecordRaw {
  return { path: `/${key}`, name: key, component, meta: { title: `nav.${key}`, access } };
}
