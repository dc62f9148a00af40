/** Political life and reception (6.2): the page registers itself under the service-records menu. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

/** Who reads /api/reception (operators read; caseworkers and managers write). */
const access: Access = 'reception.read';

const page: PageModule = {
  routes: [areaRoute('reception', () => import('./ReceptionView.vue'), access)],
  nav: [{ key: 'reception', to: '/reception', access, order: 70 }],
  titles: { 'zh-CN': { reception: '政治生活与来信来访' }, en: { reception: 'Political life & reception' } },
};

export default page;
