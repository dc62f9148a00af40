/** 接收安置 (6.1): the intake list and one case, in the service-records menu for the roles the server lets read it. */
import type { PageModule } from '../../router/pages.ts';

const readers = ['admin', 'supervisor', 'operator', 'caseworker'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/intake',
      name: 'intake',
      component: () => import('./IntakeView.vue'),
      meta: { title: 'nav.intake', roles: readers },
    },
    {
      path: '/intake/:id',
      name: 'intake-case',
      component: () => import('./IntakeCaseView.vue'),
      props: true,
      meta: { title: 'nav.intake', roles: readers },
    },
  ],
  nav: [{ key: 'intake', to: '/intake', roles: readers, order: 10 }],
  titles: { 'zh-CN': { intake: '接收安置' }, en: { intake: 'Intake' } },
};

export default page;
