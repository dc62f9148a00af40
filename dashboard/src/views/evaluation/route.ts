/** Evaluation and improvement (7.1, 7.2): the page registers itself under the service-records menu. */
import type { PageModule } from '../../router/pages.ts';

/** The server's READ roles for /api/evaluation (operators read; caseworkers and managers write). */
const roles = ['admin', 'supervisor', 'operator', 'caseworker'] as const;

const page: PageModule = {
  routes: [
    {
      path: '/evaluation',
      name: 'evaluation',
      component: () => import('./EvaluationView.vue'),
      meta: { title: 'nav.evaluation', roles },
    },
  ],
  nav: [{ key: 'evaluation', to: '/evaluation', roles, order: 80 }],
  titles: { 'zh-CN': { evaluation: '评价与改进' }, en: { evaluation: 'Evaluation' } },
};

export default page;
