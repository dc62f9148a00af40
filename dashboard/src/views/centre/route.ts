/**
 * 中心事务 (5.1.8, 5.3.2.4): the retirees' management committee and the facilities register, in the
 * service-records menu for every member of staff; the managers keep them, and anyone on staff logs a
 * facility's inspection or repair.
 */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('centre', () => import('./CentreView.vue'), 'centre.read', {
  order: 87,
  title: { 'zh-CN': '中心事务', en: 'Centre affairs' },
});
