/** Culture and sport (6.6 文体活动): the yearly plan, events with cover, sign-ups and attendance, interest groups. */
import type {
  ActivityEvent,
  ActivityEventInput,
  ActivityGroup,
  ActivityPlan,
  PlanItemInput,
} from '../../../../server/schemas/activities.ts';
import { call } from '../../api/client.ts';
import { recordCalls } from '../../api/records.ts';

export type { ActivityEvent, ActivityEventInput, ActivityGroup, ActivityPlan, PlanItemInput };
export type ActivityKind = ActivityEvent['kind'];
export type GroupKind = ActivityGroup['kind'];
export type Attendance = NonNullable<ActivityEvent['signups'][number]['attendance']>;
export type AgeGroup = ActivityPlan['items'][number]['ageGroup'];
export type HealthFit = ActivityPlan['items'][number]['health'];

export const activityKinds: readonly ActivityKind[] = ['culture', 'sport', 'study', 'outing', 'other'];
export const groupKinds: readonly GroupKind[] = [
  'calligraphy',
  'painting',
  'dance',
  'choir',
  'tai_chi',
  'reading',
  'ball',
  'other',
];
export const attendances: readonly Attendance[] = ['present', 'absent', 'excused'];
export const ageGroups: readonly AgeGroup[] = ['all', 'under_80', 'from_80_to_89', 'from_90'];
export const healthFits: readonly HealthFit[] = ['all', 'able', 'limited'];

export interface StaffMember {
  id: string;
  name: string;
  role: string;
}

export const listStaff = call.get('/api/activities/staff');
const plans = call.get('/api/activities/plans');
export const listPlans = (year?: number) => plans({ year });
export const createPlan = call.post('/api/activities/plans');
export const addPlanItem = call.post('/api/activities/plans/{id}/items');

export const eventRecords = recordCalls('/api/activities/events', 'activity-events.xlsx');
export const getEvent = call.get('/api/activities/events/{id}');
export const setCover = call.put('/api/activities/events/{id}/cover');
export const confirmEvent = call.post('/api/activities/events/{id}/confirm');
const cancel = call.post('/api/activities/events/{id}/cancel');
export const cancelEvent = (eventId: string, reason: string) => cancel(eventId, { reason });
const signUps = call.post('/api/activities/events/{id}/signups');
export const signUp = (eventId: string, retireeId: string) => signUps(eventId, { retireeId });
export const withdrawSignUp = call.post('/api/activities/events/{id}/signups/{retireeId}/withdraw');
export const recordAttendance = call.post('/api/activities/events/{id}/attendance');

export const groupRecords = recordCalls('/api/activities/groups', 'activity-groups.xlsx');
const members = call.post('/api/activities/groups/{id}/members');
export const addMember = (groupId: string, retireeId: string) => members(groupId, { retireeId });
const leave = call.post('/api/activities/groups/{id}/members/{retireeId}/leave');
export const removeMember = (groupId: string, retireeId: string, leftOn: string) =>
  leave(groupId, retireeId, { leftOn });
