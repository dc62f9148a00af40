/** Political life and reception (6.2): the page registers itself under the service-records menu. */
import { areaPage } from '../../router/areaRoute.ts';

/** Who reads /api/reception (operators read; caseworkers and managers write). */
export default areaPage('reception', () => import('./ReceptionView.vue'), 'reception.read', {
  order: 70,
  title: { 'zh-CN': '政治生活与来信来访', en: 'Political life & reception' },
});
