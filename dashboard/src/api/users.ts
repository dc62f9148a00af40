/** Staff accounts (5.2): everyone on staff can list them; the admin creates them. */
import type { User } from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export type StaffRole = Exclude<User['role'], 'family'>;
export const staffRoles: readonly StaffRole[] = ['admin', 'supervisor', 'operator', 'caseworker'];

export interface NewStaff {
  username: string;
  displayName: string;
  role: StaffRole;
  password: string;
  /** A caseworker's station; null: the whole centre. */
  station?: string | null;
}

/** Staff accounts; `includeDisabled` (admin) lists disabled ones too, marked `disabled`. */
export function listStaff(options: { includeDisabled?: boolean } = {}): Promise<User[]> {
  return request<User[]>('/api/users', options.includeDisabled ? { query: { includeDisabled: 'true' } } : {});
}

/** Disables (no sign-in; every session and live connection ends at once) or enables an account. */
export function setStaffDisabled(id: string, disabled: boolean): Promise<User> {
  return request<User>(`/api/users/${id}/${disabled ? 'disable' : 'enable'}`, { method: 'POST' });
}

/** Removes a staff member's TOTP second factor (a lost phone); their sessions end. */
export function resetStaffTotp(id: string): Promise<unknown> {
  return request<unknown>(`/api/users/${id}/totp/reset`, { method: 'POST' });
}

export function createStaff(body: NewStaff): Promise<User> {
  return request<User>('/api/users', { method: 'POST', body });
}

export function updateStaff(
  id: string,
  body: { displayName?: string; station?: string | null },
): Promise<User> {
  return request<User>(`/api/users/${id}`, { method: 'PATCH', body });
}

type Role = User['role'];

/** Which roles reach each staff page, as the server's role checks allow them. */
export const pageRoles = {
  duty: ['admin', 'supervisor', 'operator'],
  requests: ['admin', 'supervisor', 'operator', 'caseworker'],
  devices: ['admin', 'supervisor', 'operator', 'caseworker'],
  settings: ['admin', 'supervisor'],
} satisfies Record<string, readonly Role[]>;

export type StaffPage = keyof typeof pageRoles;

export function mayOpen(page: StaffPage, role: Role | null | undefined): boolean {
  return role != null && (pageRoles[page] as readonly Role[]).includes(role);
}

/** Roles that may change things, per area (the server checks the same). */
export function mayManage(
  what: 'roster' | 'devices' | 'escalation' | 'staff' | 'familyAccounts' | 'channels',
  role: Role | null | undefined,
): boolean {
  if (!role) return false;
  const roles: Record<typeof what, readonly Role[]> = {
    roster: ['admin', 'supervisor'],
    devices: ['admin', 'supervisor'],
    escalation: ['admin', 'supervisor'],
    staff: ['admin'],
    familyAccounts: ['admin', 'supervisor'],
    channels: ['admin', 'supervisor'],
  };
  return roles[what].includes(role);
}
