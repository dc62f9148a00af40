/** 应急管理 (5.1.7): the emergency plans and drills, in the service-records menu for every member of staff. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('emergency', () => import('./EmergencyView.vue'), 'emergency.read', {
  order: 85,
  title: { 'zh-CN': '应急管理', en: 'Emergency' },
});
