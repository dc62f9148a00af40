/**
 * 统计报表: the alert figures for the monitoring desk and the service figures for those who keep the
 * records (clause 7.1); the last link of the header. Between them the desk and the records keepers
 * are every member of staff, so the page and its link are open to all staff (no `access`), and the
 * page shows each part only to the roles that may read it (parts.ts).
 */
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
