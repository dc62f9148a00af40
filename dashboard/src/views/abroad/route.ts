/** Travel abroad and part-time posts (6.4.2): the page registers itself under the service-records menu. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

/** Who reads /api/abroad: caseworkers and managers (the monitoring desk has no part in it). */
const access: Access = 'abroad.read';

const page: PageModule = {
  routes: [areaRoute('abroad', () => import('./AbroadView.vue'), access)],
  nav: [{ key: 'abroad', to: '/abroad', access, order: 90 }],
  titles: { 'zh-CN': { abroad: '出国(境)与兼职' }, en: { abroad: 'Abroad & posts' } },
};

export default page;
