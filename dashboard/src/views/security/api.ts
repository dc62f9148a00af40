/** The security overview (admins only). */
import type { SecurityOverview } from '../../../../server/schemas/security.ts';
import { call } from '../../api/client.ts';

export type { SecurityOverview };

export const securityOverview = call.get('/api/security/overview');
