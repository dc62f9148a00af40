/** The family page's calls: the relative's status, "I'm on my way" (6.11.2.4), and the open surveys (7.1.1). */
import type { FamilySurvey } from '../../../../server/schemas/evaluation.ts';
import { call } from '../../api/client.ts';

export type { FamilySurvey };

export const familyStatus = call.get('/api/family/status');
export const onMyWay = call.post('/api/family/alerts/{id}/on-my-way');
/** The open satisfaction surveys, each with this family member's own link to the phone page. */
export const familySurveys = call.get('/api/family/surveys');
