/** Service requests (6.12): what the green 求助 key asks for, and who provides it. */
import type { ServiceRequest, ServiceRequestUpdate } from '../../../../server/schemas/index.ts';
import { api, data } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

export type ServiceRequestStatus = ServiceRequest['status'];

export function listServiceRequests(status?: ServiceRequestStatus): Promise<ServiceRequest[]> {
  return data(api.GET('/api/service-requests', { params: { query: { status, limit: 500 } } }));
}

export function updateServiceRequest(id: string, body: ServiceRequestUpdate): Promise<ServiceRequest> {
  return data(api.PATCH('/api/service-requests/{id}', { params: { path: { id } }, body }));
}

/** The list with the same status filter, as an Excel workbook; resolves with the file name. */
export function exportServiceRequests(status?: ServiceRequestStatus): Promise<string> {
  return downloadFile('/api/service-requests/export.xlsx', 'service-requests.xlsx', { status });
}
