/** 作用发挥 (6.9): the register of retirees' roles and oral history, in the service-records menu for every staff role the server lets read it. */
import type { PageModule } from '../../router/pages.ts';

const readers = ['admin', 'supervisor', 'operator', 'caseworker'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/roles',
      name: 'roles',
      component: () => import('./RolesView.vue'),
      meta: { title: 'nav.roles', roles: readers },
    },
  ],
  nav: [{ key: 'roles', to: '/roles', roles: readers, order: 50 }],
  titles: { 'zh-CN': { roles: '作用发挥' }, en: { roles: 'Roles & oral history' } },
};

export default page;
