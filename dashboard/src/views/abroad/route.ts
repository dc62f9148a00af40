/** Travel abroad and part-time posts (6.4.2): the page registers itself under the service-records menu. */
import { areaPage } from '../../router/areaRoute.ts';

/** Who reads /api/abroad: caseworkers and managers (the monitoring desk has no part in it). */
export default areaPage('abroad', () => import('./AbroadView.vue'), 'abroad.read', {
  order: 90,
  title: { 'zh-CN': '出国(境)与兼职', en: 'Abroad & posts' },
});
