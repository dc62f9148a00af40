/** 档案 (6.11.1 a): the retiree archive and one record, in the header for those who keep the records. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'archive.read';

const page: PageModule = {
  routes: [
    areaRoute('archive', () => import('./ArchiveView.vue'), access),
    {
      path: '/archive/:id',
      name: 'archive-record',
      component: () => import('./ArchiveRecordView.vue'),
      props: true,
      meta: { title: 'nav.archive', access },
    },
  ],
  nav: [{ key: 'archive', to: '/archive', access: 'archive.write', placement: 'header', order: 20 }],
  titles: { 'zh-CN': { archive: '档案' }, en: { archive: 'Archive' } },
};

export default page;
