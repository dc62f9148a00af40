/** Medical care (6.5): the page registers itself under the service-records menu. */
import type { PageModule } from '../../router/pages.ts';

/** The server's roles for /api/medical: caseworkers and managers. */
const roles = ['admin', 'supervisor', 'caseworker'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/medical',
      name: 'medical',
      component: () => import('./MedicalView.vue'),
      meta: { title: 'nav.medical', roles },
    },
  ],
  nav: [{ key: 'medical', to: '/medical', roles, order: 100 }],
  titles: { 'zh-CN': { medical: '医疗保健' }, en: { medical: 'Medical' } },
};

export default page;
