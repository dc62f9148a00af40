/** Culture and sport (6.6 文体活动): the yearly plan, events with cover, sign-ups and attendance, interest groups. */
import type {
  ActivityEvent,
  ActivityEventInput,
  ActivityGroup,
  ActivityPlan,
  PlanItemInput,
} from '../../../../server/schemas/activities.ts';
import { api, type BodyOf, data, type QueryOf } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

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

export function listStaff(): Promise<StaffMember[]> {
  return data(api.GET('/api/activities/staff'));
}

export function listPlans(year?: number): Promise<ActivityPlan[]> {
  return data(api.GET('/api/activities/plans', { params: { query: { year } } }));
}

export function createPlan(body: BodyOf<'/api/activities/plans'>): Promise<ActivityPlan> {
  return data(api.POST('/api/activities/plans', { body }));
}

export function addPlanItem(planId: string, body: PlanItemInput): Promise<ActivityPlan> {
  return data(api.POST('/api/activities/plans/{id}/items', { params: { path: { id: planId } }, body }));
}

export function listEvents(query: QueryOf<'/api/activities/events'> = {}): Promise<ActivityEvent[]> {
  return data(api.GET('/api/activities/events', { params: { query } }));
}

export function createEvent(body: ActivityEventInput): Promise<ActivityEvent> {
  return data(api.POST('/api/activities/events', { body }));
}

export function getEvent(eventId: string): Promise<ActivityEvent> {
  return data(api.GET('/api/activities/events/{id}', { params: { path: { id: eventId } } }));
}

export function setCover(
  eventId: string,
  body: BodyOf<'/api/activities/events/{id}/cover', 'put'>,
): Promise<ActivityEvent> {
  return data(api.PUT('/api/activities/events/{id}/cover', { params: { path: { id: eventId } }, body }));
}

export function confirmEvent(eventId: string): Promise<ActivityEvent> {
  return data(api.POST('/api/activities/events/{id}/confirm', { params: { path: { id: eventId } } }));
}

export function cancelEvent(eventId: string, reason: string): Promise<ActivityEvent> {
  return data(
    api.POST('/api/activities/events/{id}/cancel', { params: { path: { id: eventId } }, body: { reason } }),
  );
}

export function signUp(eventId: string, retireeId: string): Promise<ActivityEvent> {
  return data(
    api.POST('/api/activities/events/{id}/signups', {
      params: { path: { id: eventId } },
      body: { retireeId },
    }),
  );
}

export function withdrawSignUp(eventId: string, retireeId: string): Promise<ActivityEvent> {
  return data(
    api.POST('/api/activities/events/{id}/signups/{retireeId}/withdraw', {
      params: { path: { id: eventId, retireeId } },
    }),
  );
}

export function recordAttendance(
  eventId: string,
  body: BodyOf<'/api/activities/events/{id}/attendance'>,
): Promise<ActivityEvent> {
  return data(
    api.POST('/api/activities/events/{id}/attendance', { params: { path: { id: eventId } }, body }),
  );
}

export function exportEvents(query: { from?: string; to?: string }): Promise<string> {
  return downloadFile('/api/activities/events/export.xlsx', 'activity-events.xlsx', query);
}

export function listGroups(): Promise<ActivityGroup[]> {
  return data(api.GET('/api/activities/groups'));
}

export function createGroup(body: BodyOf<'/api/activities/groups'>): Promise<ActivityGroup> {
  return data(api.POST('/api/activities/groups', { body }));
}

export function addMember(groupId: string, retireeId: string): Promise<ActivityGroup> {
  return data(
    api.POST('/api/activities/groups/{id}/members', {
      params: { path: { id: groupId } },
      body: { retireeId },
    }),
  );
}

export function removeMember(groupId: string, retireeId: string, leftOn: string): Promise<ActivityGroup> {
  return data(
    api.POST('/api/activities/groups/{id}/members/{retireeId}/leave', {
      params: { path: { id: groupId, retireeId } },
      body: { leftOn },
    }),
  );
}

export function exportGroups(): Promise<string> {
  return downloadFile('/api/activities/groups/export.xlsx', 'activity-groups.xlsx', {});
}
