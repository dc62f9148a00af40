/** Evaluation and improvement (7.1, 7.2): the page registers itself under the service-records menu. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

/** Who reads /api/evaluation (operators read; caseworkers and managers write). */
const access: Access = 'evaluation.read';

const page: PageModule = {
  routes: [areaRoute('evaluation', () => import('./EvaluationView.vue'), access)],
  nav: [{ key: 'evaluation', to: '/evaluation', access, order: 80 }],
  titles: { 'zh-CN': { evaluation: '评价与改进' }, en: { evaluation: 'Evaluation' } },
};

export default page;
