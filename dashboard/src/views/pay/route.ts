/**
 * 资金管理 (6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4): pay items, the month's pay run, arrears, medical
 * reimbursements, one-off payments and each retiree's ledger, in the service-records menu for those
 * who keep the records; the managers run the month, pay arrears and decide reimbursements.
 */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('pay', () => import('./PayView.vue'), 'pay.read', {
  order: 84,
  title: { 'zh-CN': '资金管理', en: 'Money' },
});
