/** 值班: who is on duty, the handover between shifts and the roster, for the monitoring desk. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('duty', () => import('./DutyView.vue'), 'duty.read', {
  order: 50,
  placement: 'header',
  title: { 'zh-CN': '值班', en: 'Duty' },
});
