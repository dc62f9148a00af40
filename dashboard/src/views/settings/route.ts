/** 设置: the escalation rule and staff accounts, for those who change the centre's settings. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'escalation.manage';

const page: PageModule = {
  routes: [areaRoute('settings', () => import('./SettingsView.vue'), access)],
  nav: [{ key: 'settings', to: '/settings', access, placement: 'header', order: 80 }],
  titles: { 'zh-CN': { settings: '设置' }, en: { settings: 'Settings' } },
};

export default page;
