/**
 * Devices: the register and its types, SOS buttons and their test presses, and, for admins and
 * supervisors, revoking a device and replacing its MQTT secret.
 */
import { call } from '../../api/client.ts';

/** Every device at once, as a plain array: for pickers that need them all (a retiree's page). */
export const listDevices = call.get('/api/devices');
/** One page of the registry, searched and filtered on the server, with how many it finds in all. */
export const listDeviceRegistry = call.get('/api/device-registry');
export const listDeviceTypes = call.get('/api/device-types');
/** Every device the Zigbee2MQTT bridges report, with what it exposes and what the hub reads of it. */
export const listZigbeeNetwork = call.get('/api/devices/zigbee-network');
/** Registers a device; the MQTT secret in the answer is shown this once and never again. */
export const createDevice = call.post('/api/devices');
const buttonTests = call.get('/api/button-tests');
/** SOS buttons and their last test press; `overdue` lists only those not tested within 30 days. */
export const listButtonTests = (overdue = false) => buttonTests({ overdue: overdue || undefined });
const revoke = call.post('/api/devices/{id}/revoke');
export const revokeDevice = (id: string, reason: string) => revoke(id, { reason });
/** The new secret in the answer is shown this once and never again. */
export const rotateSecret = call.post('/api/devices/{id}/secret');
/** What a watch on a maker's protocol can be told, and its command log. */
export const watchCommandLog = call.get('/api/devices/{id}/commands');
/** Sends a command to a watch; it waits for one that is away. */
export const sendWatchCommand = call.post('/api/devices/{id}/commands');
