/** 安全: the admins' security page — failed sign-ins, refused and silent devices, the audit chain, security alerts. */
import type { Access } from '../../../../server/access/policy.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'security.read';

const page: PageModule = {
  routes: [
    {
      path: '/security',
      name: 'security',
      component: () => import('./SecurityView.vue'),
      meta: { title: 'nav.security', access },
    },
  ],
  nav: [{ key: 'security', to: '/security', access, order: 200 }],
  titles: { 'zh-CN': { security: '安全' }, en: { security: 'Security' } },
};

export default page;
