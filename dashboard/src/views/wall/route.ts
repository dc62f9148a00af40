/** 实时监护: the monitoring wall, every staff member's home page and the first link of the header. */
import type { PageModule } from '../../router/pages.ts';

const page: PageModule = {
  routes: [
    {
      path: '/',
      name: 'wall',
      component: () => import('./WallView.vue'),
      meta: { title: 'nav.wall' },
    },
  ],
  nav: [{ key: 'wall', to: '/', placement: 'header', order: 0, exact: true }],
  titles: { 'zh-CN': { wall: '实时监护' }, en: { wall: 'Live wall' } },
};

export default page;
