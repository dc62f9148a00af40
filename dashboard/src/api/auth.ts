import type { LoginBody, LoginResponse, User } from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export function login(body: LoginBody): Promise<LoginResponse> {
  return request<LoginResponse>('/api/auth/login', { method: 'POST', body, anonymous: true });
}

export function currentUser(): Promise<User> {
  return request<User>('/api/auth/me');
}

export function logout(): Promise<unknown> {
  return request<unknown>('/api/auth/logout', { method: 'POST' });
}
