/** 养老服务 (6.7): the care page, in the service-records menu for every staff role the server lets read it. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('care', () => import('./CareView.vue'), 'care.read', {
  order: 30,
  title: { 'zh-CN': '养老服务', en: 'Elderly care' },
});
