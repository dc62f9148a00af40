/**
 * The centre's settings changed at run time: the escalation ladder for unacknowledged alerts, the
 * centre's channels for a role (a supervisors' group robot), the SMS and voice providers, and the
 * deadlines (时限) the work list and the records date work by.
 */
import type { EscalationLadderBody, EscalationStep } from '../../../../server/schemas/escalation.ts';
import { type AnswerOf, api, type BodyOf, call, data, rawBody } from '../../api/client.ts';

export type { EscalationStep };
export type Audience = EscalationStep['notify'][number];
export const audiences: readonly Audience[] = ['on_duty', 'supervisor', 'manager', 'family'];

export const escalationLadder = call.get('/api/settings/escalation');
const save = call.put('/api/settings/escalation');
export const saveEscalationLadder = (steps: EscalationLadderBody['steps']) => save({ steps });

/** The roles a channel of the centre may stand for (a family is reached on its contacts' own channels). */
export type RoleAudience = BodyOf<'/api/settings/notify/channels'>['audience'];
export const roleAudiences: readonly RoleAudience[] = ['on_duty', 'supervisor', 'manager'];
export type RoleChannel = AnswerOf<'/api/settings/notify/channels', 'get'>[number];

export const roleChannels = call.get('/api/settings/notify/channels');
export const addRoleChannel = call.post('/api/settings/notify/channels');
export const removeRoleChannel = call.delete('/api/settings/notify/channels/{channelId}');

export type ProviderSummary = AnswerOf<'/api/settings/notify/providers', 'get'>[number];
export type ProviderKind = ProviderSummary['kind'];
export const providerKinds: readonly ProviderKind[] = [
  'sms_aliyun',
  'sms_tencent',
  'voice_aliyun',
  'voice_tencent',
];

export const phoneProviders = call.get('/api/settings/notify/providers');
export const setPhoneProvider = call.put('/api/settings/notify/providers/{kind}');
export const removePhoneProvider = call.delete('/api/settings/notify/providers/{kind}');

/** A deadline: a number of days, or days for each step of a procedure (intake, after a death). */
export type Deadline = AnswerOf<'/api/settings/deadlines', 'get'>[number];
export type DeadlineStep = Deadline['steps'][number];
export const centreDeadlines = call.get('/api/settings/deadlines');
/** Sets one deadline: `{ value: days }`, or `{ value: { step: days } }` naming only the steps changed. */
export const setDeadline = call.put('/api/settings/deadlines/{key}');

export type TowerSummary = AnswerOf<'/api/location/cell-towers', 'get'>;
export const cellTowers = call.get('/api/location/cell-towers');
export type AccessPointSummary = AnswerOf<'/api/location/wifi-access-points', 'get'>;
export const wifiAccessPoints = call.get('/api/location/wifi-access-points');

/** An OpenCelliD export sent as it is: gzipped as OpenCelliD hands it out, or plain CSV. */
export function importCellTowers(file: File) {
  const gzipped = file.name.endsWith('.gz') || file.type.includes('gzip');
  return data(api.PUT('/api/location/cell-towers', rawBody(file, gzipped ? 'application/gzip' : 'text/csv')));
}
