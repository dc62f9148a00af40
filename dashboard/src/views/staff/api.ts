/**
 * Staff records (人员管理): each member of staff's qualification certificates with their expiry
 * (5.2.2), the training sessions held with who attended (5.2.3), who is due the data-protection
 * training (6.11.2.2), and a summary of the year.
 */
import type {
  QualificationKind,
  QualificationStatus,
  TrainingKind,
} from '../../../../server/schemas/staff.ts';
import { ApiError, call } from '../../api/client.ts';
import { recordCalls } from '../../api/records.ts';
import { listStaff } from '../../api/users.ts';

export type {
  DataProtectionStanding,
  Qualification,
  QualificationChange,
  QualificationKind,
  QualificationStatus,
  StaffSummary,
  Training,
  TrainingKind,
} from '../../../../server/schemas/staff.ts';
// The deadlines are the settings area's; their call stays in that page's module.
export { centreDeadlines } from '../settings/api.ts';

/** The kinds of certificate in the order the page offers them. */
export const qualificationKinds: readonly QualificationKind[] = [
  'social_worker',
  'nurse',
  'doctor',
  'care_worker',
  'first_aid',
  'psychological',
  'dietitian',
  'electrician',
  'fire_safety',
  'other',
];
export const qualificationStatuses: readonly QualificationStatus[] = ['valid', 'expiring', 'expired'];

/** The kinds of training in the order the page offers them. */
export const trainingKinds: readonly TrainingKind[] = [
  'data_protection',
  'information',
  'skills',
  'conduct',
  'safety',
  'other',
];

/** The centre's deadline that sets how often the data-protection training is due. */
export const DATA_PROTECTION_DEADLINE = 'staff.data_protection_days';

export const qualificationRecords = recordCalls('/api/staff/qualifications', 'staff-qualifications.xlsx');
export const changeQualification = call.patch('/api/staff/qualifications/{id}');
export const removeQualification = call.delete('/api/staff/qualifications/{id}');

export const trainingRecords = recordCalls('/api/staff/trainings', 'staff-trainings.xlsx');
export const removeTraining = call.delete('/api/staff/trainings/{id}');

export const dataProtection = call.get('/api/staff/data-protection');
export const staffSummary = call.get('/api/staff/summary');

/** A member of staff to pick (a certificate's holder, a training's attendee) or to filter by. */
export interface StaffMember {
  id: string;
  name: string;
  role: string;
}

/**
 * The active members of staff: the accounts, for the roles that may list them (the desk's and the
 * managers'); anyone else (a caseworker) reads them from the data-protection standings, which name
 * every active member of staff and are open to all of them.
 */
export async function activeStaff(): Promise<StaffMember[]> {
  try {
    const users = await listStaff();
    return users
      .filter((user) => user.role !== 'family' && !user.disabled)
      .map((user) => ({ id: user.id, name: user.displayName, role: user.role }));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    const standings = await dataProtection();
    return standings
      .map((one) => ({ id: one.userId, name: one.name, role: one.role }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }
}
