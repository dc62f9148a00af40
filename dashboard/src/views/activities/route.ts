/** 文体活动 (6.6): the culture-and-sport page, in the service-records menu for every staff role the server lets read it. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'activities.read';

const page: PageModule = {
  routes: [areaRoute('activities', () => import('./ActivitiesView.vue'), access)],
  nav: [{ key: 'activities', to: '/activities', access, order: 40 }],
  titles: { 'zh-CN': { activities: '文体活动' }, en: { activities: 'Activities' } },
};

export default page;
