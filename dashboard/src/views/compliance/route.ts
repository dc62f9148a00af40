/**
 * 合规管理: the archive's access log (6.1.2.8), the audit log and its chain (6.11.2.2), consents,
 * and a person's data exported or deleted (PIPL), in the service-records menu. Each part is a tab
 * shown to the roles that may use it; the page opens to anyone who may read consents (every member
 * of staff), the widest of them.
 */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('compliance', () => import('./ComplianceView.vue'), 'consents.read', {
  order: 190,
  title: { 'zh-CN': '合规管理', en: 'Compliance' },
});
