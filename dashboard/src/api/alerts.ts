import type { AckBody, Alert, AlertListQuery, ResolveBody } from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export function listAlerts(query: AlertListQuery = {}): Promise<Alert[]> {
  return request<Alert[]>('/api/alerts', {
    query: { status: query.status, retireeId: query.retireeId, limit: query.limit },
  });
}

export function acknowledgeAlert(id: string, body: AckBody = {}): Promise<Alert> {
  return request<Alert>(`/api/alerts/${encodeURIComponent(id)}/ack`, { method: 'POST', body });
}

export function resolveAlert(id: string, body: ResolveBody): Promise<Alert> {
  return request<Alert>(`/api/alerts/${encodeURIComponent(id)}/resolve`, { method: 'POST', body });
}
