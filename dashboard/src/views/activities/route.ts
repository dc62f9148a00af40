/** 文体活动 (6.6): the culture-and-sport page, in the service-records menu for every staff role the server lets read it. */
import type { PageModule } from '../../router/pages.ts';

const readers = ['admin', 'supervisor', 'operator', 'caseworker'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/activities',
      name: 'activities',
      component: () => import('./ActivitiesView.vue'),
      meta: { title: 'nav.activities', roles: readers },
    },
  ],
  nav: [{ key: 'activities', to: '/activities', roles: readers, order: 40 }],
  titles: { 'zh-CN': { activities: '文体活动' }, en: { activities: 'Activities' } },
};

export default page;
