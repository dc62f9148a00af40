/** 值班: who is on duty, the handover between shifts and the roster, for the monitoring desk. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'duty.read';

const page: PageModule = {
  routes: [areaRoute('duty', () => import('./DutyView.vue'), access)],
  nav: [{ key: 'duty', to: '/duty', access, placement: 'header', order: 50 }],
  titles: { 'zh-CN': { duty: '值班' }, en: { duty: 'Duty' } },
};

export default page;
