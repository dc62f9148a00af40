/** 生活待遇 (6.3): the benefits page, in the service-records menu for every staff role the server lets read it. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('benefits', () => import('./BenefitsView.vue'), 'benefits.read', {
  order: 20,
  title: { 'zh-CN': '生活待遇', en: 'Benefits' },
});
