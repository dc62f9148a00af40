/** 值班登录: the sign-in page, outside the staff frame; its words are the frame's (locales/). */
import type { PageModule } from '../../router/pages.ts';

const page: PageModule = {
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./LoginView.vue'),
      meta: { title: 'login.title', public: true },
    },
  ],
};

export default page;
