/** The router: pages are loaded on first visit; who may open one is its `meta.access` alone. */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { type Access, mayAccess } from '../../../server/access/policy.ts';
import { roleOf } from '../api/auth.ts';
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

/** Every page comes from its folder's `route.ts` (router/pages.ts); an unknown address goes to the wall. */
const routes: RouteRecordRaw[] = [...pageRoutes, { path: '/:pathMatch(.*)*', redirect: '/' }];

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
