/** The alert history: alerts past and present a page at a time, with how many the filters find. */
import { call, type QueryOf } from '../../api/client.ts';

export type HistoryQuery = QueryOf<'/api/alert-history'>;
export type HistoryPage = Awaited<ReturnType<typeof listAlertHistory>>;

export const listAlertHistory = call.get('/api/alert-history');
