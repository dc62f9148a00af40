/** Pages are loaded on first visit; the chart library arrives only with the retiree page. */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { storedToken } from '../api/http.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    title?: string;
    /** Reachable without a session. */
    public?: boolean;
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/login/LoginView.vue'),
    meta: { title: 'login.title', public: true },
  },
  {
    path: '/',
    name: 'wall',
    component: () => import('../views/wall/WallView.vue'),
    meta: { title: 'wall.title' },
  },
  {
    path: '/retirees/:id',
    name: 'retiree',
    component: () => import('../views/retiree/RetireeView.vue'),
    props: true,
    meta: { title: 'retiree.title' },
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach((to) => {
  const signedIn = storedToken() !== null;
  if (!to.meta.public && !signedIn) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  }
  if (to.name === 'login' && signedIn) return { name: 'wall' };
  return true;
});
