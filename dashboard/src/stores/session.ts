import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LoginResponse, User } from '../../../server/schemas/index.ts';
import { currentUser, type LoginResult, login, logout } from '../api/auth.ts';
import { storedToken, storeToken } from '../api/http.ts';

export const useSessionStore = defineStore('session', () => {
  const token = ref<string | null>(storedToken());
  const user = ref<User | null>(null);
  const loggedIn = computed(() => token.value !== null);

  /** Keeps the session of a sign-in (or of a confirmed TOTP enrolment). */
  function adopt(response: LoginResponse): void {
    storeToken(response.token);
    token.value = response.token;
    user.value = response.user;
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

  /** After a reload only the token is kept; the user's name comes back from the server. */
  async function loadUser(): Promise<void> {
    if (!token.value || user.value) return;
    user.value = await currentUser();
  }

  /** Forget the session locally; used after a 401 when the server no longer knows the token. */
  function forget(): void {
    storeToken(null);
    token.value = null;
    user.value = null;
  }

  async function signOut(): Promise<void> {
    try {
      if (token.value) await logout();
    } catch {
      // Logging out must always work locally, even when the hub cannot be reached.
    }
    forget();
  }

  return { token, user, loggedIn, signIn, adopt, loadUser, forget, signOut };
});
