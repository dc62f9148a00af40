/** 身后事 (6.10): the after-death page, in the service-records menu for every staff role the server lets read it. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'bereavement.read';

const page: PageModule = {
  routes: [areaRoute('bereavement', () => import('./BereavementView.vue'), access)],
  nav: [{ key: 'bereavement', to: '/bereavement', access, order: 60 }],
  titles: { 'zh-CN': { bereavement: '身后事' }, en: { bereavement: 'After death' } },
};

export default page;
