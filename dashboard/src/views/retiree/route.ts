/** 老人详情: one retiree's card, devices, alerts and heart-rate chart (the chart library arrives only with this page). */
import type { Access } from '../../../../server/access/policy.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'retirees.read';

const page: PageModule = {
  routes: [
    {
      path: '/retirees/:id',
      name: 'retiree',
      component: () => import('./RetireeView.vue'),
      props: true,
      meta: { title: 'nav.retiree', access },
    },
  ],
  titles: { 'zh-CN': { retiree: '老人详情' }, en: { retiree: 'Retiree' } },
};

export default page;
