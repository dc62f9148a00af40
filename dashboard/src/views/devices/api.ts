/** Revoking a device and replacing its MQTT secret (admins and supervisors). */
import type { CreatedDevice, Device } from '../../../../server/schemas/index.ts';
import { request } from '../../api/http.ts';

export function revokeDevice(id: string, reason: string): Promise<Device> {
  return request<Device>(`/api/devices/${encodeURIComponent(id)}/revoke`, {
    method: 'POST',
    body: { reason },
  });
}

/** The new secret in the answer is shown this once and never again. */
export function rotateSecret(id: string): Promise<CreatedDevice> {
  return request<CreatedDevice>(`/api/devices/${encodeURIComponent(id)}/secret`, { method: 'POST' });
}
