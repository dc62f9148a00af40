/** 工作清单: a caseworker's day (visits due, replies due, steps due); their first page after signing in. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('worklist', () => import('./WorkListView.vue'), 'worklist.read', {
  order: 10,
  placement: 'header',
  // In the header for those who keep the records (the monitoring desk reads, but has no list of its own).
  navAccess: 'archive.write',
  title: { 'zh-CN': '工作清单', en: 'Work list' },
});
