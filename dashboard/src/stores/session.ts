import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LoginResponse, User } from '../../../server/schemas/index.ts';
import { currentUser, type LoginResult, login, logout, sessionUser } from '../api/auth.ts';
import { storeToken } from '../api/http.ts';

/**
 * The signed-in session. A sign-in in this page keeps its bearer token in memory (api/http.ts);
 * after a reload nothing of it is left in the page, and the hub is asked whom the HttpOnly session
 * cookie belongs to (`restore`, which the router waits for before its first decision).
 */
export const useSessionStore = defineStore('session', () => {
  /**
   * What the app watches to open and close the live channel: the bearer token of a sign-in made in
   * this page, or `cookie:<user id>` for a session the cookie carries; null when signed out.
   */
  const token = ref<string | null>(null);
  const user = ref<User | null>(null);
  const loggedIn = computed(() => token.value !== null);
  /** The one question to the hub after a load; settled once answered or once signed in or out. */
  let restoring: Promise<void> | null = null;

  /** Keeps the session of a sign-in (or of a confirmed TOTP enrolment). */
  function adopt(response: LoginResponse): void {
    storeToken(response.token);
    token.value = response.token;
    user.value = response.user;
    restoring = Promise.resolve();
  }

  /**
   * Whether the session cookie signs someone in, asked once per page load. A hub out of reach
   * counts as signed out for now and is asked again at the next navigation.
   */
  function restore(): Promise<void> {
    restoring ??= sessionUser().then(
      (found) => {
        if (found && token.value === null) {
          user.value = found;
          token.value = `cookie:${found.id}`;
        }
      },
      () => {
        restoring = null;
      },
    );
    return restoring;
  }

  /** Signs in, or answers with the step the hub asks for next (a TOTP code, an enrolment, a wait). */
  async function signIn(
    username: string,
    password: string,
    totp?: string,
  ): Promise<Exclude<LoginResult, { kind: 'session' }> | null> {
    const result = await login({ username, password, ...(totp ? { totp } : {}) });
    if (result.kind !== 'session') return result;
    adopt(result.session);
    return null;
  }

  /** The signed-in user's name and role, when the session is known but its user is not yet. */
  async function loadUser(): Promise<void> {
    if (!token.value || user.value) return;
    user.value = await currentUser();
  }

  /** Forget the session locally; used after a 401 when the server no longer knows the session. */
  function forget(): void {
    storeToken(null);
    token.value = null;
    user.value = null;
    restoring = Promise.resolve();
  }

  /** Ends the session on the hub, which also clears the cookie, then here. */
  async function signOut(): Promise<void> {
    try {
      if (token.value) await logout();
    } catch {
      // Logging out must always work locally, even when the hub cannot be reached.
    }
    forget();
  }

  return { token, user, loggedIn, signIn, adopt, restore, loadUser, forget, signOut };
});
