import type {
  LoginBody,
  LoginChallenge,
  LoginResponse,
  PasswordChangeBody,
  TotpSetup,
  User,
} from '../../../server/schemas/index.ts';
import { ApiError, request } from './http.ts';

/** A sign-in either opens a session or asks for one more step (a TOTP code, an enrolment, a wait). */
export type LoginResult =
  | { kind: 'session'; session: LoginResponse }
  | { kind: 'challenge'; status: number; challenge: LoginChallenge; retryAfterSeconds?: number };

/** The login's 401 and 429 carry what the next step needs, so it reads the answer itself. */
export async function login(body: LoginBody): Promise<LoginResult> {
  let response: Response;
  try {
    response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  const payload = (await response.json().catch(() => null)) as LoginResponse | LoginChallenge | null;
  if (response.ok && payload && 'token' in payload) return { kind: 'session', session: payload };
  if (payload && 'error' in payload && [400, 401, 429].includes(response.status)) {
    const retry = Number(response.headers.get('retry-after'));
    return {
      kind: 'challenge',
      status: response.status,
      challenge: payload,
      ...(Number.isFinite(retry) && retry > 0 ? { retryAfterSeconds: retry } : {}),
    };
  }
  throw new ApiError(response.status, `http_${response.status}`, response.statusText || 'Request failed');
}

/** An admin's first enrolment, before any session: a secret for the authenticator app. */
export function enrolmentSetup(enrolmentToken: string): Promise<TotpSetup> {
  return request<TotpSetup>('/api/auth/enrolment/totp', {
    method: 'POST',
    body: { enrolmentToken },
    anonymous: true,
  });
}

export function enrolmentConfirm(enrolmentToken: string, code: string): Promise<LoginResponse> {
  return request<LoginResponse>('/api/auth/enrolment/confirm', {
    method: 'POST',
    body: { enrolmentToken, code },
    anonymous: true,
  });
}

export function currentUser(): Promise<User> {
  return request<User>('/api/auth/me');
}

/**
 * Whom the session cookie signs in, or null: asked after a page load, when no token is in memory.
 * The hub answers "nobody" with a null user, not a 401.
 */
export async function sessionUser(): Promise<User | null> {
  return (await request<{ user: User | null }>('/api/auth/session', { anonymous: true })).user;
}

export function logout(): Promise<unknown> {
  return request<unknown>('/api/auth/logout', { method: 'POST' });
}

export function changePassword(body: PasswordChangeBody): Promise<unknown> {
  return request<unknown>('/api/auth/password', { method: 'POST', body });
}

/** Starts my TOTP enrolment: the secret and otpauth:// URI, shown once. */
export function beginTotp(): Promise<TotpSetup> {
  return request<TotpSetup>('/api/auth/totp', { method: 'POST' });
}

export function confirmTotp(code: string): Promise<unknown> {
  return request<unknown>('/api/auth/totp/confirm', { method: 'POST', body: { code } });
}

export function disableTotp(code: string): Promise<unknown> {
  return request<unknown>('/api/auth/totp/disable', { method: 'POST', body: { code } });
}
