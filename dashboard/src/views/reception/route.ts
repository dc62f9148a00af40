/** Political life and reception (6.2): the page registers itself under the service-records menu. */
import type { PageModule } from '../../router/pages.ts';

/** The server's READ roles for /api/reception (operators read; caseworkers and managers write). */
const roles = ['admin', 'supervisor', 'operator', 'caseworker'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/reception',
      name: 'reception',
      component: () => import('./ReceptionView.vue'),
      meta: { title: 'nav.reception', roles },
    },
  ],
  nav: [{ key: 'reception', to: '/reception', roles, order: 70 }],
  titles: { 'zh-CN': { reception: '政治生活与来信来访' }, en: { reception: 'Political life & reception' } },
};

export default page;
