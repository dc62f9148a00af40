/** 生活待遇 (6.3): the benefits page, in the service-records menu for every staff role the server lets read it. */
import type { PageModule } from '../../router/pages.ts';

const readers = ['admin', 'supervisor', 'operator', 'caseworker'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/benefits',
      name: 'benefits',
      component: () => import('./BenefitsView.vue'),
      meta: { title: 'nav.benefits', roles: readers },
    },
  ],
  nav: [{ key: 'benefits', to: '/benefits', roles: readers, order: 20 }],
  titles: { 'zh-CN': { benefits: '生活待遇' }, en: { benefits: 'Benefits' } },
};

export default page;
