/** 接收安置 (6.1): the intake list and one case, in the service-records menu for the roles the server lets read it. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'intake.read';

const page: PageModule = {
  routes: [
    areaRoute('intake', () => import('./IntakeView.vue'), access),
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
