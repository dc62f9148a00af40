/** After death (6.10 逝世善后服务): the death recorded, its checklist, and what recording it changes. */
import type {
  BereavementStepUpdate,
  Death,
  DeathExportQuery,
  DeathInput,
  DeathQuery,
  DeathResult,
} from '../../../../server/schemas/index.ts';
import { downloadFile } from '../../api/download.ts';
import { request } from '../../api/http.ts';

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

const id = (value: string) => encodeURIComponent(value);

export function listDeaths(query: DeathQuery = {}): Promise<Death[]> {
  return request<Death[]>('/api/bereavement', {
    query: { ...query, open: query.open === undefined ? undefined : String(query.open) },
  });
}

export function getDeath(deathId: string): Promise<Death> {
  return request<Death>(`/api/bereavement/${id(deathId)}`);
}

export function recordDeath(body: DeathInput): Promise<DeathResult> {
  return request<DeathResult>('/api/bereavement', { method: 'POST', body });
}

export function updateStep(stepId: string, body: BereavementStepUpdate): Promise<Death> {
  return request<Death>(`/api/bereavement/steps/${id(stepId)}`, { method: 'PATCH', body });
}

export function exportDeaths(query: DeathExportQuery): Promise<string> {
  return downloadFile('/api/bereavement/export.xlsx', 'bereavement.xlsx', { ...query });
}
