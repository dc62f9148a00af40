/** 作用发挥 (6.9): the register of retirees' roles and oral history, in the service-records menu for every staff role the server lets read it. */
import type { Access } from '../../../../server/access/policy.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'roles.read';

const page: PageModule = {
  routes: [
    {
      path: '/roles',
      name: 'roles',
      component: () => import('./RolesView.vue'),
      meta: { title: 'nav.roles', access },
    },
  ],
  nav: [{ key: 'roles', to: '/roles', access, order: 50 }],
  titles: { 'zh-CN': { roles: '作用发挥' }, en: { roles: 'Roles & oral history' } },
};

export default page;
