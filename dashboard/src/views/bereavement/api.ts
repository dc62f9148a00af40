/** After death (6.10 逝世善后服务): the death recorded, its checklist, and what recording it changes. */
import type {
  BereavementStepUpdate,
  Death,
  DeathInput,
  DeathResult,
} from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { recordCalls } from '../../api/records.ts';

export type { BereavementStepUpdate, Death, DeathInput, DeathResult };
export type BereavementStep = Death['steps'][number];
export type FlagCovering = Death['flagCovering'];

export const flagCoverings: readonly FlagCovering[] = ['party', 'army', 'none'];

/** The checklist a death opens (6.10.2.1–6.10.2.4), in the server's order; its titles come with each step. */
export const checklistSteps: readonly BereavementStep['step'][] = [
  'help_family',
  'condolences',
  'report',
  'obituary',
  'life_story',
  'farewell',
  'flag_covering',
  'funeral_allowance',
  'survivor_pension',
  'survivor_subsidy',
];

export const deathRecords = recordCalls('/api/bereavement', 'bereavement.xlsx');
export const getDeath = call.get('/api/bereavement/{id}');
export const updateStep = call.patch('/api/bereavement/steps/{id}');
