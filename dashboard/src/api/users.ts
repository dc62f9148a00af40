/** Staff accounts (5.2): everyone on staff can list them (to assign an alert, a shift, a visit); the admin creates them. */
import { STAFF_ROLES, type StaffRole } from '../../../server/access/policy.ts';
import type { User } from '../../../server/schemas/index.ts';
import { api, data, type paths } from './client.ts';

export type { StaffRole };
export const staffRoles: readonly StaffRole[] = STAFF_ROLES;

export type NewStaff = NonNullable<paths['/api/users']['post']['requestBody']>['content']['application/json'];
type StaffUpdate = NonNullable<
  paths['/api/users/{id}']['patch']['requestBody']
>['content']['application/json'];

const user = (id: string) => ({ params: { path: { id } } });

/** Staff accounts; `includeDisabled` (admin) lists disabled ones too, marked `disabled`. */
export function listStaff(options: { includeDisabled?: boolean } = {}): Promise<User[]> {
  return data(
    api.GET('/api/users', { params: { query: { includeDisabled: options.includeDisabled || undefined } } }),
  );
}

/** Disables (no sign-in; every session and live connection ends at once) or enables an account. */
export function setStaffDisabled(id: string, disabled: boolean): Promise<User> {
  return data(api.POST(disabled ? '/api/users/{id}/disable' : '/api/users/{id}/enable', user(id)));
}

/** Removes a staff member's TOTP second factor (a lost phone); their sessions end. */
export function resetStaffTotp(id: string): Promise<unknown> {
  return data(api.POST('/api/users/{id}/totp/reset', user(id)));
}

export function createStaff(body: NewStaff): Promise<User> {
  return data(api.POST('/api/users', { body }));
}

export function updateStaff(id: string, body: StaffUpdate): Promise<User> {
  return data(api.PATCH('/api/users/{id}', { ...user(id), body }));
}
