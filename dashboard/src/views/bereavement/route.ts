/** 身后事 (6.10): the after-death page, in the service-records menu for every staff role the server lets read it. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('bereavement', () => import('./BereavementView.vue'), 'bereavement.read', {
  order: 60,
  title: { 'zh-CN': '身后事', en: 'After death' },
});
