/**
 * Service requests (6.12): what the green 求助 key asks for and what staff log from a call, a visit or
 * the family, who provides it; and the centre's register of service providers.
 */
import type {
  ServiceCategory,
  ServiceChannel,
  ServiceProvider,
  ServiceProviderChange,
  ServiceProviderInput,
  ServiceRequest,
  ServiceRequestQuery,
} from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import { recordCalls } from '../../api/records.ts';

export type { ServiceCategory, ServiceChannel, ServiceProvider, ServiceProviderChange, ServiceProviderInput };
export type ServiceRequestStatus = ServiceRequest['status'];
/** The ways staff hear of a request they log (a key press logs itself). */
export type LoggedChannel = Exclude<ServiceChannel, 'device'>;

/** The channels in the order the page offers them: the key first, then those staff log. */
export const channels: readonly ServiceChannel[] = ['device', 'phone', 'walk_in', 'visit', 'family'];
export const loggedChannels: readonly LoggedChannel[] = ['phone', 'walk_in', 'visit', 'family'];
/** The categories in the order the page offers them. */
export const categories: readonly ServiceCategory[] = [
  'policy',
  'legal',
  'errand',
  'repair',
  'care',
  'medical',
  'transport',
  'other',
];

/** The list's filters besides the status (counted on the page). */
export type RequestFilters = Pick<ServiceRequestQuery, 'channel' | 'category'>;

const serviceRequests = call.get('/api/service-requests');
export const listServiceRequests = (filters: RequestFilters = {}) =>
  serviceRequests({ ...filters, limit: 500 });
export const logServiceRequest = call.post('/api/service-requests');
export const updateServiceRequest = call.patch('/api/service-requests/{id}');

/** The list with the same filters, as an Excel workbook; resolves with the file name. */
export function exportServiceRequests(
  status?: ServiceRequestStatus,
  filters: RequestFilters = {},
): Promise<string> {
  return downloadFile('/api/service-requests/export.xlsx', 'service-requests.xlsx', { status, ...filters });
}

/** The register of providers: list (`?service=&all=`), add, Excel; change or take one off. */
export const providerRecords = recordCalls('/api/service-providers', 'service-providers.xlsx');
export const changeProvider = call.patch('/api/service-providers/{id}');
