/** Culture and sport (6.6 文体活动): the yearly plan, events with cover, sign-ups and attendance, interest groups. */
import type {
  ActivityEvent,
  ActivityEventInput,
  ActivityGroup,
  ActivityGroupInput,
  ActivityPlan,
  ActivityPlanInput,
  AttendanceInput,
  EventCoverInput,
  EventQuery,
  PlanItemInput,
} from '../../../../server/schemas/activities.ts';
import { downloadFile } from '../../api/download.ts';
import { request } from '../../api/http.ts';

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

const id = (value: string) => encodeURIComponent(value);

export function listStaff(): Promise<StaffMember[]> {
  return request<StaffMember[]>('/api/activities/staff');
}

export function listPlans(year?: number): Promise<ActivityPlan[]> {
  return request<ActivityPlan[]>('/api/activities/plans', { query: { year } });
}

export function createPlan(body: ActivityPlanInput): Promise<ActivityPlan> {
  return request<ActivityPlan>('/api/activities/plans', { method: 'POST', body });
}

export function addPlanItem(planId: string, body: PlanItemInput): Promise<ActivityPlan> {
  return request<ActivityPlan>(`/api/activities/plans/${id(planId)}/items`, { method: 'POST', body });
}

export function listEvents(query: EventQuery = {}): Promise<ActivityEvent[]> {
  return request<ActivityEvent[]>('/api/activities/events', { query: { ...query } });
}

export function createEvent(body: ActivityEventInput): Promise<ActivityEvent> {
  return request<ActivityEvent>('/api/activities/events', { method: 'POST', body });
}

export function getEvent(eventId: string): Promise<ActivityEvent> {
  return request<ActivityEvent>(`/api/activities/events/${id(eventId)}`);
}

export function setCover(eventId: string, body: EventCoverInput): Promise<ActivityEvent> {
  return request<ActivityEvent>(`/api/activities/events/${id(eventId)}/cover`, { method: 'PUT', body });
}

export function confirmEvent(eventId: string): Promise<ActivityEvent> {
  return request<ActivityEvent>(`/api/activities/events/${id(eventId)}/confirm`, { method: 'POST' });
}

export function cancelEvent(eventId: string, reason: string): Promise<ActivityEvent> {
  return request<ActivityEvent>(`/api/activities/events/${id(eventId)}/cancel`, {
    method: 'POST',
    body: { reason },
  });
}

export function signUp(eventId: string, retireeId: string): Promise<ActivityEvent> {
  return request<ActivityEvent>(`/api/activities/events/${id(eventId)}/signups`, {
    method: 'POST',
    body: { retireeId },
  });
}

export function withdrawSignUp(eventId: string, retireeId: string): Promise<ActivityEvent> {
  return request<ActivityEvent>(`/api/activities/events/${id(eventId)}/signups/${id(retireeId)}/withdraw`, {
    method: 'POST',
  });
}

export function recordAttendance(eventId: string, body: AttendanceInput): Promise<ActivityEvent> {
  return request<ActivityEvent>(`/api/activities/events/${id(eventId)}/attendance`, { method: 'POST', body });
}

export function exportEvents(query: { from?: string; to?: string }): Promise<string> {
  return downloadFile('/api/activities/events/export.xlsx', 'activity-events.xlsx', query);
}

export function listGroups(): Promise<ActivityGroup[]> {
  return request<ActivityGroup[]>('/api/activities/groups');
}

export function createGroup(body: ActivityGroupInput): Promise<ActivityGroup> {
  return request<ActivityGroup>('/api/activities/groups', { method: 'POST', body });
}

export function addMember(groupId: string, retireeId: string): Promise<ActivityGroup> {
  return request<ActivityGroup>(`/api/activities/groups/${id(groupId)}/members`, {
    method: 'POST',
    body: { retireeId },
  });
}

export function removeMember(groupId: string, retireeId: string, leftOn: string): Promise<ActivityGroup> {
  return request<ActivityGroup>(`/api/activities/groups/${id(groupId)}/members/${id(retireeId)}/leave`, {
    method: 'POST',
    body: { leftOn },
  });
}

export function exportGroups(): Promise<string> {
  return downloadFile('/api/activities/groups/export.xlsx', 'activity-groups.xlsx', {});
}
