/** The family page's calls: the relative's status and "I'm on my way" (6.11.2.4). */
import type { FamilyAlert, FamilyStatus, OnMyWayBody } from '../../../../server/schemas/index.ts';
import { api, data } from '../../api/client.ts';

export function familyStatus(): Promise<FamilyStatus> {
  return data(api.GET('/api/family/status'));
}

export function onMyWay(alertId: string, body: OnMyWayBody = {}): Promise<FamilyAlert> {
  return data(api.POST('/api/family/alerts/{id}/on-my-way', { params: { path: { id: alertId } }, body }));
}
