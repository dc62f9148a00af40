/** 告警记录: every alert, closed ones too, found again by time, status, kind, severity or name and opened in full. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('history', () => import('./HistoryView.vue'), 'alerts.read', {
  order: 55,
  placement: 'header',
  title: { 'zh-CN': '告警记录', en: 'Alert history' },
});
