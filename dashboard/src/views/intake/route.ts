/** 接收安置 (6.1): the intake list and one case, in the service-records menu for the roles the server lets read it. */
import type { Access } from '../../../../server/access/policy.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'intake.read';

const page: PageModule = {
  routes: [
    {
      path: '/intake',
      name: 'intake',
      component: () => import('./IntakeView.vue'),
      meta: { title: 'nav.intake', access },
    },
    {
      path: '/intake/:id',
      name: 'intake-case',
      component: () => import('./IntakeCaseView.vue'),
      props: true,
      meta: { title: 'nav.intake', access },
    },
  ],
  nav: [{ key: 'intake', to: '/intake', access, order: 10 }],
  titles: { 'zh-CN': { intake: '接收安置' }, en: { intake: 'Intake' } },
};

export default page;
