/** Travel abroad and part-time posts (6.4.2): the page registers itself under the service-records menu. */
import type { PageModule } from '../../router/pages.ts';

/** The server's roles for /api/abroad: caseworkers and managers (the monitoring desk has no part in it). */
const roles = ['admin', 'supervisor', 'caseworker'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/abroad',
      name: 'abroad',
      component: () => import('./AbroadView.vue'),
      meta: { title: 'nav.abroad', roles },
    },
  ],
  nav: [{ key: 'abroad', to: '/abroad', roles, order: 90 }],
  titles: { 'zh-CN': { abroad: '出国(境)与兼职' }, en: { abroad: 'Abroad & posts' } },
};

export default page;
