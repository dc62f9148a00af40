/**
 * 人员管理 (5.2.2, 5.2.3, 6.11.2.2): staff certificates, training and data-protection training, in the
 * service-records menu for every member of staff; the managers keep them.
 */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('staff', () => import('./StaffView.vue'), 'staff.read', {
  order: 86,
  title: { 'zh-CN': '人员管理', en: 'Staff records' },
});
