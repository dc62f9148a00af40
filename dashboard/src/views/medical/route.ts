/** Medical care (6.5): the page registers itself under the service-records menu. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

/** Who reads /api/medical: caseworkers and managers. */
const access: Access = 'medical.read';

const page: PageModule = {
  routes: [areaRoute('medical', () => import('./MedicalView.vue'), access)],
  nav: [{ key: 'medical', to: '/medical', access, order: 100 }],
  titles: { 'zh-CN': { medical: '医疗保健' }, en: { medical: 'Medical' } },
};

export default page;
