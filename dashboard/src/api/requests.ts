/** Service requests (6.12): what the green 求助 key asks for, and who provides it. */
import type { ServiceRequest, ServiceRequestUpdate } from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export type ServiceRequestStatus = ServiceRequest['status'];

export function listServiceRequests(status?: ServiceRequestStatus): Promise<ServiceRequest[]> {
  return request<ServiceRequest[]>('/api/service-requests', { query: { status, limit: 500 } });
}

export function updateServiceRequest(id: string, body: ServiceRequestUpdate): Promise<ServiceRequest> {
  return request<ServiceRequest>(`/api/service-requests/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body,
  });
}
