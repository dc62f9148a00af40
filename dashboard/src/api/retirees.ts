import type {
  Retiree,
  RetireeInput,
  RetireeSummary,
  VitalsQuery,
  VitalsResponse,
  WallPage,
  WallQuery,
} from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export function listRetirees(): Promise<RetireeSummary[]> {
  return request<RetireeSummary[]>('/api/retirees');
}

/** One page of the live wall, attention first; the filter never hides a retiree with an active alert. */
export function listWall(query: WallQuery): Promise<WallPage> {
  return request<WallPage>('/api/wall', {
    query: { limit: query.limit, offset: query.offset, q: query.q || undefined },
  });
}

export function getRetiree(id: string): Promise<Retiree> {
  return request<Retiree>(`/api/retirees/${encodeURIComponent(id)}`);
}

export function createRetiree(body: RetireeInput): Promise<Retiree> {
  return request<Retiree>('/api/retirees', { method: 'POST', body });
}

export function getVitals(id: string, query: VitalsQuery): Promise<VitalsResponse> {
  return request<VitalsResponse>(`/api/retirees/${encodeURIComponent(id)}/vitals`, {
    query: { field: query.field, from: query.from, to: query.to, every: query.every },
  });
}
