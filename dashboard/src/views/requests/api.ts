/** Service requests (6.12): what the green 求助 key asks for, and who provides it. */
import type { ServiceRequest } from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

export type ServiceRequestStatus = ServiceRequest['status'];

const serviceRequests = call.get('/api/service-requests');
export const listServiceRequests = (status?: ServiceRequestStatus) => serviceRequests({ status, limit: 500 });
export const updateServiceRequest = call.patch('/api/service-requests/{id}');

/** The list with the same status filter, as an Excel workbook; resolves with the file name. */
export function exportServiceRequests(status?: ServiceRequestStatus): Promise<string> {
  return downloadFile('/api/service-requests/export.xlsx', 'service-requests.xlsx', { status });
}
