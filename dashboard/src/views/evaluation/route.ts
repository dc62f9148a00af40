/** Evaluation and improvement (7.1, 7.2): the page registers itself under the service-records menu. */
import { areaPage } from '../../router/areaRoute.ts';

/** Who reads /api/evaluation (operators read; caseworkers and managers write). */
export default areaPage('evaluation', () => import('./EvaluationView.vue'), 'evaluation.read', {
  order: 80,
  title: { 'zh-CN': '评价与改进', en: 'Evaluation' },
});
