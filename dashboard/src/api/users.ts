/** Staff accounts (5.2): everyone on staff can list them; the admin creates them. */
import { type Access, mayAccess, STAFF_ROLES, type StaffRole } from '../../../server/access/policy.ts';
import type { User } from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export type { StaffRole };
export const staffRoles: readonly StaffRole[] = STAFF_ROLES;

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

/**
 * What each staff page of the header needs, from the server's own table (server/access/policy.ts):
 * a page shows to the roles the server lets read what it shows. The settings page is for those who
 * change the centre's settings.
 */
export const pageAccess = {
  duty: 'duty.read',
  requests: 'requests.read',
  devices: 'devices.read',
  settings: 'escalation.manage',
} as const satisfies Record<string, Access>;

export type StaffPage = keyof typeof pageAccess;

export function mayOpen(page: StaffPage, role: User['role'] | null | undefined): boolean {
  return mayAccess(pageAccess[page], role);
}
