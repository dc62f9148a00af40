/** 统计报表: how fast alerts were acknowledged and resolved, by day, month or shift; the last link of the header. */
import type { PageModule } from '../../router/pages.ts';

const page: PageModule = {
  routes: [
    {
      path: '/reports',
      name: 'reports',
      component: () => import('./ReportsView.vue'),
      meta: { title: 'nav.reports' },
    },
  ],
  nav: [{ key: 'reports', to: '/reports', placement: 'header', order: 90 }],
  titles: { 'zh-CN': { reports: '统计报表' }, en: { reports: 'Figures' } },
};

export default page;
