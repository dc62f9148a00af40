/** 档案 (6.11.1 a): the retiree archive and one record, in the header for those who keep the records. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('archive', () => import('./ArchiveView.vue'), 'archive.read', {
  order: 20,
  placement: 'header',
  navAccess: 'archive.write',
  record: { name: 'archive-record', view: () => import('./ArchiveRecordView.vue') },
  title: { 'zh-CN': '档案', en: 'Archive' },
});
