import type { Device, DeviceTypeInfo } from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export function listDevices(): Promise<Device[]> {
  return request<Device[]>('/api/devices');
}

export function listDeviceTypes(): Promise<DeviceTypeInfo[]> {
  return request<DeviceTypeInfo[]>('/api/device-types');
}
