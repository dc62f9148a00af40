/** The family page's calls: the relative's status and "I'm on my way" (6.11.2.4). */
import { call } from '../../api/client.ts';

export const familyStatus = call.get('/api/family/status');
export const onMyWay = call.post('/api/family/alerts/{id}/on-my-way');
