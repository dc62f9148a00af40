/** 安全: the admins' security page — failed sign-ins, refused and silent devices, the audit chain, security alerts. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('security', () => import('./SecurityView.vue'), 'security.read', {
  order: 200,
  title: { 'zh-CN': '安全', en: 'Security' },
});
