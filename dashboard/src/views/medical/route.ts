/** Medical care (6.5): the page registers itself under the service-records menu. */
import type { Access } from '../../../../server/access/policy.ts';
import type { PageModule } from '../../router/pages.ts';

/** Who reads /api/medical: caseworkers and managers. */
const access: Access = 'medical.read';

const page: PageModule = {
  routes: [
    {
      path: '/medical',
      name: 'medical',
      component: () => import('./MedicalView.vue'),
      meta: { title: 'nav.medical', access },
    },
  ],
  nav: [{ key: 'medical', to: '/medical', access, order: 100 }],
  titles: { 'zh-CN': { medical: '医疗保健' }, en: { medical: 'Medical' } },
};

export default page;
