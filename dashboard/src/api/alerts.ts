import type {
  AckBody,
  ActionBody,
  Alert,
  AlertListQuery,
  AlertStep,
  AssignBody,
  CommentBody,
  Delivery,
  ResolveBody,
  User,
} from '../../../server/schemas/index.ts';
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

const alertPath = (id: string, rest = '') => `/api/alerts/${encodeURIComponent(id)}${rest}`;

export function getAlert(id: string): Promise<Alert> {
  return request<Alert>(alertPath(id));
}

export function takeAlert(id: string): Promise<Alert> {
  return request<Alert>(alertPath(id, '/take'), { method: 'POST' });
}

export function assignAlert(id: string, body: AssignBody): Promise<Alert> {
  return request<Alert>(alertPath(id, '/assign'), { method: 'POST', body });
}

/** Called the retiree or family, sent staff, handed to 120 (5.1.7); the first one starts handling. */
export function recordAction(id: string, body: ActionBody): Promise<Alert> {
  return request<Alert>(alertPath(id, '/actions'), { method: 'POST', body });
}

/** The retiree's device says "help is on the way". */
export function sendHelpComing(id: string, body: AckBody = {}): Promise<Alert> {
  return request<Alert>(alertPath(id, '/help-coming'), { method: 'POST', body });
}

export function addComment(id: string, body: CommentBody): Promise<Alert> {
  return request<Alert>(alertPath(id, '/comments'), { method: 'POST', body });
}

/** Who did what and when, oldest first. */
export function alertSteps(id: string): Promise<AlertStep[]> {
  return request<AlertStep[]>(alertPath(id, '/steps'));
}

/** Every notification attempt to the family for this alert. */
export function alertDeliveries(id: string): Promise<Delivery[]> {
  return request<Delivery[]>(alertPath(id, '/deliveries'));
}

/** Staff accounts, for reassigning an alert. */
export function listStaff(): Promise<User[]> {
  return request<User[]>('/api/users');
}
