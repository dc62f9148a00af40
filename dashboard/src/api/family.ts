/** The family page's calls: the relative's status, "I'm on my way" (6.11.2.4), and the role that routes a session. */
import type { FamilyAlert, FamilyStatus, OnMyWayBody, User } from '../../../server/schemas/index.ts';
import { currentUser } from './auth.ts';
import { request } from './http.ts';

export function familyStatus(): Promise<FamilyStatus> {
  return request<FamilyStatus>('/api/family/status');
}

export function onMyWay(alertId: string, body: OnMyWayBody = {}): Promise<FamilyAlert> {
  return request<FamilyAlert>(`/api/family/alerts/${encodeURIComponent(alertId)}/on-my-way`, {
    method: 'POST',
    body,
  });
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
