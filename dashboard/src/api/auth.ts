/** Signing in and out, the session, the password and the second factor (TOTP), and the role that routes a session. */
import type {
  LoginBody,
  LoginChallenge,
  LoginResponse,
  PasswordChangeBody,
  TotpSetup,
  User,
} from '../../../server/schemas/index.ts';
import { ApiError, api, data } from './client.ts';

/** A sign-in either opens a session or asks for one more step (a TOTP code, an enrolment, a wait). */
export type LoginResult =
  | { kind: 'session'; session: LoginResponse }
  | { kind: 'challenge'; status: number; challenge: LoginChallenge; retryAfterSeconds?: number };

/** The login's 401 and 429 carry what the next step needs, so it reads the answer itself. */
export async function login(body: LoginBody): Promise<LoginResult> {
  const { data: session, error, response } = await api.POST('/api/auth/login', { body });
  if (session) return { kind: 'session', session };
  if (error && [400, 401, 429].includes(response.status)) {
    const retry = Number(response.headers.get('retry-after'));
    return {
      kind: 'challenge',
      status: response.status,
      challenge: error,
      ...(Number.isFinite(retry) && retry > 0 ? { retryAfterSeconds: retry } : {}),
    };
  }
  throw new ApiError(
    response.status,
    `http_${response.status}`,
    response.statusText || 'Request failed',
    error,
  );
}

/** An admin's first enrolment, before any session: a secret for the authenticator app. */
export function enrolmentSetup(enrolmentToken: string): Promise<TotpSetup> {
  return data(api.POST('/api/auth/enrolment/totp', { body: { enrolmentToken } }));
}

export function enrolmentConfirm(enrolmentToken: string, code: string): Promise<LoginResponse> {
  return data(api.POST('/api/auth/enrolment/confirm', { body: { enrolmentToken, code } }));
}

export function currentUser(): Promise<User> {
  return data(api.GET('/api/auth/me'));
}

/**
 * Whom the session cookie signs in, or null: asked after a page load, when no token is in memory.
 * The hub answers "nobody" with a null user, not a 401.
 */
export async function sessionUser(): Promise<User | null> {
  return (await data(api.GET('/api/auth/session'))).user;
}

export function logout(): Promise<unknown> {
  return data(api.POST('/api/auth/logout'));
}

export function changePassword(body: PasswordChangeBody): Promise<unknown> {
  return data(api.POST('/api/auth/password', { body }));
}

/** Starts my TOTP enrolment: the secret and otpauth:// URI, shown once. */
export function beginTotp(): Promise<TotpSetup> {
  return data(api.POST('/api/auth/totp'));
}

export function confirmTotp(code: string): Promise<unknown> {
  return data(api.POST('/api/auth/totp/confirm', { body: { code } }));
}

export function disableTotp(code: string): Promise<unknown> {
  return data(api.POST('/api/auth/totp/disable', { body: { code } }));
}

/** The signed-in account's role, asked once per token: the router sends family accounts to /family. */
let known: { token: string; role: User['role'] } | null = null;

export async function roleOf(token: string): Promise<User['role'] | null> {
  if (known?.token === token) return known.role;
  try {
    const user = await currentUser();
    known = { token, role: user.role };
    return user.role;
  } catch {
    return null;
  }
}

export function forgetRole(): void {
  known = null;
}
