/** 安全: the admins' security page — failed sign-ins, refused and silent devices, the audit chain, security alerts. */
import type { PageModule } from '../../router/pages.ts';

const admins = ['admin'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/security',
      name: 'security',
      component: () => import('./SecurityView.vue'),
      meta: { title: 'nav.security', roles: admins },
    },
  ],
  nav: [{ key: 'security', to: '/security', roles: admins, order: 200 }],
  titles: { 'zh-CN': { security: '安全' }, en: { security: 'Security' } },
};

export default page;
