/**
 * Devices: the register and its types, SOS buttons and their test presses, and, for admins and
 * supervisors, revoking a device and replacing its MQTT secret.
 */
import type {
  ButtonTest,
  CreatedDevice,
  Device,
  DeviceInput,
  DeviceTypeInfo,
} from '../../../../server/schemas/index.ts';
import { api, data } from '../../api/client.ts';

export function listDevices(): Promise<Device[]> {
  return data(api.GET('/api/devices'));
}

export function listDeviceTypes(): Promise<DeviceTypeInfo[]> {
  return data(api.GET('/api/device-types'));
}

/** Registers a device; the MQTT secret in the answer is shown this once and never again. */
export function createDevice(body: DeviceInput): Promise<CreatedDevice> {
  return data(api.POST('/api/devices', { body }));
}

/** SOS buttons and their last test press; `overdue` lists only those not tested within 30 days. */
export function listButtonTests(overdue = false): Promise<ButtonTest[]> {
  return data(api.GET('/api/button-tests', { params: { query: { overdue: overdue || undefined } } }));
}

export function revokeDevice(id: string, reason: string): Promise<Device> {
  return data(api.POST('/api/devices/{id}/revoke', { params: { path: { id } }, body: { reason } }));
}

/** The new secret in the answer is shown this once and never again. */
export function rotateSecret(id: string): Promise<CreatedDevice> {
  return data(api.POST('/api/devices/{id}/secret', { params: { path: { id } } }));
}
