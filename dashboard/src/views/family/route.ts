/** 家属关怀 (6.11.2.4): a family account's one page, without the staff frame. */
import type { PageModule } from '../../router/pages.ts';

const page: PageModule = {
  routes: [
    {
      // `public` only drops the staff frame around the page; the family guard wants a session.
      path: '/family',
      name: 'family',
      component: () => import('./FamilyView.vue'),
      meta: { title: 'nav.family', public: true, family: true },
    },
  ],
  titles: { 'zh-CN': { family: '家属关怀' }, en: { family: 'Family' } },
};

export default page;
