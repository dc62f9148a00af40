/**
 * Emergency management (5.1.7 应急管理): the plan in force for each kind of emergency with who does
 * what, the drills that rehearse them, and the improvement actions (7.2) a drill's findings raise.
 */
import type { EmergencyKind } from '../../../../server/schemas/emergency.ts';
import { call } from '../../api/client.ts';
import { recordCalls } from '../../api/records.ts';

export type {
  EmergencyDrill,
  EmergencyDrillInput,
  EmergencyKind,
  EmergencyPlan,
  EmergencyPlanInput,
  PlanDuty,
} from '../../../../server/schemas/emergency.ts';
export { listStaff } from '../../api/users.ts';
// An improvement action is the evaluation area's record; its calls stay in that page's module.
export { actionRecords } from '../evaluation/api.ts';

/** The kinds in the order the page lists them (the plans and the choices of a select). */
export const emergencyKinds: readonly EmergencyKind[] = [
  'fire',
  'fall',
  'medical',
  'wandering',
  'outage',
  'public_health',
  'disaster',
  'other',
];

export const listPlans = call.get('/api/emergency/plans');
export const createPlan = call.post('/api/emergency/plans');

export const drillRecords = recordCalls('/api/emergency/drills', 'emergency-drills.xlsx');
