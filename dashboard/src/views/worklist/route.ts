/** 工作清单: a caseworker's day (visits due, replies due, steps due); their first page after signing in. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'worklist.read';

const page: PageModule = {
  routes: [areaRoute('worklist', () => import('./WorkListView.vue'), access)],
  // In the header for those who keep the records (the monitoring desk reads, but has no list of its own).
  nav: [{ key: 'worklist', to: '/worklist', access: 'archive.write', placement: 'header', order: 10 }],
  titles: { 'zh-CN': { worklist: '工作清单' }, en: { worklist: 'Work list' } },
};

export default page;
