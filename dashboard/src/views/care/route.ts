/** 养老服务 (6.7): the care page, in the service-records menu for every staff role the server lets read it. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'care.read';

const page: PageModule = {
  routes: [areaRoute('care', () => import('./CareView.vue'), access)],
  nav: [{ key: 'care', to: '/care', access, order: 30 }],
  titles: { 'zh-CN': { care: '养老服务' }, en: { care: 'Elderly care' } },
};

export default page;
