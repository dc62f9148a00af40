/** 设置: the escalation rule and staff accounts, for those who change the centre's settings. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('settings', () => import('./SettingsView.vue'), 'escalation.manage', {
  order: 80,
  placement: 'header',
  title: { 'zh-CN': '设置', en: 'Settings' },
});
