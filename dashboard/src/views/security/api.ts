/** The security overview (admins only). */
import type { SecurityOverview } from '../../../../server/schemas/security.ts';
import { request } from '../../api/http.ts';

export type { SecurityOverview };

export function securityOverview(): Promise<SecurityOverview> {
  return request<SecurityOverview>('/api/security/overview');
}
