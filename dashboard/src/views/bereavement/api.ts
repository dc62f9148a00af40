/** After death (6.10 逝世善后服务): the death recorded, its checklist, and what recording it changes. */
import type {
  BereavementStepUpdate,
  Death,
  DeathInput,
  DeathResult,
} from '../../../../server/schemas/index.ts';
import { api, data, type QueryOf } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

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

export function listDeaths(query: QueryOf<'/api/bereavement'> = {}): Promise<Death[]> {
  return data(api.GET('/api/bereavement', { params: { query } }));
}

export function getDeath(deathId: string): Promise<Death> {
  return data(api.GET('/api/bereavement/{id}', { params: { path: { id: deathId } } }));
}

export function recordDeath(body: DeathInput): Promise<DeathResult> {
  return data(api.POST('/api/bereavement', { body }));
}

export function updateStep(stepId: string, body: BereavementStepUpdate): Promise<Death> {
  return data(api.PATCH('/api/bereavement/steps/{id}', { params: { path: { id: stepId } }, body }));
}

export function exportDeaths(query: QueryOf<'/api/bereavement/export.xlsx'>): Promise<string> {
  return downloadFile('/api/bereavement/export.xlsx', 'bereavement.xlsx', { ...query });
}
