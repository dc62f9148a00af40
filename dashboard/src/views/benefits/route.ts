/** 生活待遇 (6.3): the benefits page, in the service-records menu for every staff role the server lets read it. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'benefits.read';

const page: PageModule = {
  routes: [areaRoute('benefits', () => import('./BenefitsView.vue'), access)],
  nav: [{ key: 'benefits', to: '/benefits', access, order: 20 }],
  titles: { 'zh-CN': { benefits: '生活待遇' }, en: { benefits: 'Benefits' } },
};

export default page;
