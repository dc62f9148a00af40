/** The centre's settings changed at run time: the escalation ladder for unacknowledged alerts. */
import type { EscalationLadderBody, EscalationStep } from '../../../../server/schemas/escalation.ts';
import { api, data } from '../../api/client.ts';

export type { EscalationStep };
export type Audience = EscalationStep['notify'][number];
export const audiences: readonly Audience[] = ['supervisor', 'family', 'manager'];

export function escalationLadder(): Promise<EscalationStep[]> {
  return data(api.GET('/api/settings/escalation'));
}

export function saveEscalationLadder(steps: EscalationLadderBody['steps']): Promise<EscalationStep[]> {
  return data(api.PUT('/api/settings/escalation', { body: { steps } }));
}
