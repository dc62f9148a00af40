/** 服务请求 (6.12): everyday help asked for with the green key, assigned, done and rated. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'requests.read';

const page: PageModule = {
  routes: [areaRoute('requests', () => import('./RequestsView.vue'), access)],
  nav: [{ key: 'requests', to: '/requests', access, placement: 'header', order: 60 }],
  titles: { 'zh-CN': { requests: '服务请求' }, en: { requests: 'Service requests' } },
};

export default page;
