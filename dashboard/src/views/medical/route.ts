/** Medical care (6.5): the page registers itself under the service-records menu. */
import { areaPage } from '../../router/areaRoute.ts';

/** Who reads /api/medical: caseworkers and managers. */
export default areaPage('medical', () => import('./MedicalView.vue'), 'medical.read', {
  order: 100,
  title: { 'zh-CN': '医疗保健', en: 'Medical' },
});
