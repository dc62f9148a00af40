/** The security overview (admins only). */
import type { SecurityOverview } from '../../../../server/schemas/security.ts';
import { api, data } from '../../api/client.ts';

export type { SecurityOverview };

export function securityOverview(): Promise<SecurityOverview> {
  return data(api.GET('/api/security/overview'));
}
