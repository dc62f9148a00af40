/**
 * The centre's own affairs (中心事务): the retirees' management committee with its members, meetings
 * and decisions (5.1.8), and the facilities register with its log of inspections, maintenance and
 * repairs (5.3.2.4).
 */
import type { CommitteeRole, FacilityKind, InspectionKind } from '../../../../server/schemas/centre.ts';
import { call } from '../../api/client.ts';
import { recordCalls } from '../../api/records.ts';

export type {
  CommitteeDecision,
  CommitteeMeeting,
  CommitteeMember,
  CommitteeRole,
  Facility,
  FacilityChange,
  FacilityInspection,
  FacilityKind,
  InspectionKind,
} from '../../../../server/schemas/centre.ts';
export { listStaff } from '../../api/users.ts';

/** The roles on the committee, chair first. */
export const committeeRoles: readonly CommitteeRole[] = ['chair', 'vice_chair', 'secretary', 'member'];

/** The kinds of facility in the order the page offers them. */
export const facilityKinds: readonly FacilityKind[] = [
  'activity_room',
  'reading_room',
  'fitness',
  'clinic',
  'canteen',
  'garden',
  'meeting_room',
  'other',
];
export const inspectionKinds: readonly InspectionKind[] = ['inspection', 'maintenance', 'repair'];
export type InspectionResult = 'ok' | 'issue';
export const inspectionResults: readonly InspectionResult[] = ['ok', 'issue'];

/** How often a facility is inspected when the register does not say otherwise (the hub's default). */
export const DEFAULT_INSPECT_EVERY_DAYS = 30;

export const committeeMembers = call.get('/api/committee/members');
export const addMember = call.post('/api/committee/members');
export const endMember = call.post('/api/committee/members/{id}/end');

export const meetingRecords = recordCalls('/api/committee/meetings', 'committee-meetings.xlsx');
export const decisionDone = call.post('/api/committee/decisions/{id}/done');

export const facilityRecords = recordCalls('/api/facilities', 'facilities.xlsx');
export const getFacility = call.get('/api/facilities/{id}');
export const changeFacility = call.patch('/api/facilities/{id}');
export const recordInspection = call.post('/api/facilities/{id}/inspections');
