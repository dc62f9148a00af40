/** Pages are loaded on first visit; the chart library arrives only with the retiree page. */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { type Access, mayAccess } from '../../../server/access/policy.ts';
import { roleOf } from '../api/family.ts';
import { pageAccess } from '../api/users.ts';
import { useSessionStore } from '../stores/session.ts';
import { pageRoutes } from './pages.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    title?: string;
    /** Reachable without a session. */
    public?: boolean;
    /** The family page (6.11.2.4): family accounts see this and nothing else. */
    family?: boolean;
    /**
     * A page open to the roles the server's table (server/access/policy.ts) gives this access;
     * the others are sent to the wall.
     */
    access?: Access;
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
  {
    path: '/worklist',
    name: 'worklist',
    component: () => import('../views/worklist/WorkListView.vue'),
    meta: { title: 'nav.worklist' },
  },
  {
    path: '/archive',
    name: 'archive',
    component: () => import('../views/archive/ArchiveView.vue'),
    meta: { title: 'nav.archive' },
  },
  {
    path: '/archive/:id',
    name: 'archive-record',
    component: () => import('../views/archive/ArchiveRecordView.vue'),
    props: true,
    meta: { title: 'nav.archive' },
  },
  {
    path: '/visits',
    name: 'visits',
    component: () => import('../views/visits/VisitsView.vue'),
    meta: { title: 'nav.visits' },
  },
  {
    path: '/reports',
    name: 'reports',
    component: () => import('../views/reports/ReportsView.vue'),
    meta: { title: 'reports.title' },
  },
  {
    path: '/duty',
    name: 'duty',
    component: () => import('../views/duty/DutyView.vue'),
    meta: { title: 'duty.title', access: pageAccess.duty },
  },
  {
    path: '/requests',
    name: 'requests',
    component: () => import('../views/requests/RequestsView.vue'),
    meta: { title: 'requests.title', access: pageAccess.requests },
  },
  {
    path: '/devices',
    name: 'devices',
    component: () => import('../views/devices/DevicesView.vue'),
    meta: { title: 'devices.title', access: pageAccess.devices },
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('../views/settings/SettingsView.vue'),
    meta: { title: 'settings.title', access: pageAccess.settings },
  },
  {
    // `public` only drops the staff frame around the page; the family guard below wants a session.
    path: '/family',
    name: 'family',
    component: () => import('../views/family/FamilyView.vue'),
    meta: { title: 'family.title', public: true, family: true },
  },
  ...pageRoutes,
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

// Nothing of a session is kept in the page across a reload: the first decision waits until the
// hub has said whom the session cookie signs in (stores/session.ts).
router.beforeEach(async (to) => {
  const session = useSessionStore();
  await session.restore();
  const signedIn = session.loggedIn;
  if (!to.meta.public && !signedIn) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  }
  if (to.name === 'login' && signedIn) return { name: 'wall' };
  return true;
});

// 6.11.2.2, 6.11.2.4: a family account has its own page and no other; staff have no family page.
router.beforeEach(async (to, from) => {
  const token = useSessionStore().token;
  if (to.meta.family && !token) return { name: 'login' };
  if (!token || to.name === 'login') return true;
  const role = await roleOf(token);
  if (role === 'family' && !to.meta.family) return { name: 'family' };
  if (role !== null && role !== 'family' && to.meta.family) return { name: 'wall' };
  if (to.meta.access && role !== null && !mayAccess(to.meta.access, role)) return { name: 'wall' };
  // A caseworker starts the day on the work list; supervisors and operators keep the wall.
  if (to.name === 'wall' && role === 'caseworker' && (from.name === 'login' || from.matched.length === 0)) {
    return { name: 'worklist' };
  }
  return true;
});
