/** 文体活动 (6.6): the culture-and-sport page, in the service-records menu for every staff role the server lets read it. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('activities', () => import('./ActivitiesView.vue'), 'activities.read', {
  order: 40,
  title: { 'zh-CN': '文体活动', en: 'Activities' },
});
