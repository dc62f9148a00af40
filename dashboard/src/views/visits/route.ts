/** 走访慰问 (6.8): visit tasks, records and follow-ups, in the header for those who keep the records. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('visits', () => import('./VisitsView.vue'), 'visits.read', {
  order: 30,
  placement: 'header',
  navAccess: 'archive.write',
  title: { 'zh-CN': '走访慰问', en: 'Visits' },
});
