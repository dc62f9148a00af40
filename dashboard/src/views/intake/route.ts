/** 接收安置 (6.1): the intake list and one case, in the service-records menu for the roles the server lets read it. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('intake', () => import('./IntakeView.vue'), 'intake.read', {
  order: 10,
  record: { name: 'intake-case', view: () => import('./IntakeCaseView.vue') },
  title: { 'zh-CN': '接收安置', en: 'Intake' },
});
