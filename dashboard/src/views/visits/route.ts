/** 走访慰问 (6.8): visit tasks, records and follow-ups, in the header for those who keep the records. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'visits.read';

const page: PageModule = {
  routes: [areaRoute('visits', () => import('./VisitsView.vue'), access)],
  nav: [{ key: 'visits', to: '/visits', access: 'archive.write', placement: 'header', order: 30 }],
  titles: { 'zh-CN': { visits: '走访慰问' }, en: { visits: 'Visits' } },
};

export default page;
