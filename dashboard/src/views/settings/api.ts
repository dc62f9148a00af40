/** The centre's settings changed at run time: the escalation ladder for unacknowledged alerts. */
import type { EscalationLadderBody, EscalationStep } from '../../../../server/schemas/escalation.ts';
import { call } from '../../api/client.ts';

export type { EscalationStep };
export type Audience = EscalationStep['notify'][number];
export const audiences: readonly Audience[] = ['supervisor', 'family', 'manager'];

export const escalationLadder = call.get('/api/settings/escalation');
const save = call.put('/api/settings/escalation');
export const saveEscalationLadder = (steps: EscalationLadderBody['steps']) => save({ steps });
