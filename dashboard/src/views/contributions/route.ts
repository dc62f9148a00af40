/** 作用发挥 (6.9): the register of what retirees contribute and oral history, in the service-records menu for every staff role the server lets read it. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('contributions', () => import('./ContributionsView.vue'), 'contributions.read', {
  order: 50,
  title: { 'zh-CN': '作用发挥', en: 'Contributions & oral history' },
});
