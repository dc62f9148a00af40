/** 安全: the admins' security page — failed sign-ins, refused and silent devices, the audit chain, security alerts. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'security.read';

const page: PageModule = {
  routes: [areaRoute('security', () => import('./SecurityView.vue'), access)],
  nav: [{ key: 'security', to: '/security', access, order: 200 }],
  titles: { 'zh-CN': { security: '安全' }, en: { security: 'Security' } },
};

export default page;
