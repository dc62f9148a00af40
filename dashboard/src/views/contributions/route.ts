/** 作用发挥 (6.9): the register of what retirees contribute and oral history, in the service-records menu for every staff role the server lets read it. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'contributions.read';

const page: PageModule = {
  routes: [areaRoute('contributions', () => import('./ContributionsView.vue'), access)],
  nav: [{ key: 'contributions', to: '/contributions', access, order: 50 }],
  titles: { 'zh-CN': { contributions: '作用发挥' }, en: { contributions: 'Contributions & oral history' } },
};

export default page;
