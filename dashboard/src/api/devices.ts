import type {
  ButtonTest,
  CreatedDevice,
  Device,
  DeviceInput,
  DeviceTypeInfo,
} from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export function listDevices(): Promise<Device[]> {
  return request<Device[]>('/api/devices');
}

export function listDeviceTypes(): Promise<DeviceTypeInfo[]> {
  return request<DeviceTypeInfo[]>('/api/device-types');
}

/** Registers a device; the MQTT secret in the answer is shown this once and never again. */
export function createDevice(body: DeviceInput): Promise<CreatedDevice> {
  return request<CreatedDevice>('/api/devices', { method: 'POST', body });
}

/** SOS buttons and their last test press; `overdue` lists only those not tested within 30 days. */
export function listButtonTests(overdue = false): Promise<ButtonTest[]> {
  return request<ButtonTest[]>('/api/button-tests', { query: { overdue: overdue ? 'true' : undefined } });
}
