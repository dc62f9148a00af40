import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  BRIDGE_TYPE,
  DEFAULT_BASE_TOPIC,
  definitions,
  getDefinition,
  zigbeeDefinitionByType,
  zigbeeDefinitions,
} from '../../devices/index.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import { entryOf } from '../devices/directory.ts';
import { badRequest, conflict } from '../errors.ts';
import { publicDevice } from '../records/devices.ts';
import { isUniqueViolation } from '../records/rows.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { CreatedDevice, Device, DeviceInput, DeviceTypeInfo } from '../schemas/devices.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

/**
 * Checks what only some types may carry: a bridge has a base topic and nothing else; a Zigbee
 * sensor names its bridge and how the bridge calls it; a native device has none of these.
 * Returns the device id to use (a Zigbee sensor's defaults to `z-<ieee>`).
 */
async function checkBinding(hub: HubContext, input: DeviceInput): Promise<string> {
  const zigbee = zigbeeDefinitionByType(input.type);
  const options = input.options ?? {};
  const zigbeeFields =
    input.bridgeId !== undefined || input.ieeeAddress !== undefined || input.friendlyName !== undefined;
  if (input.type === BRIDGE_TYPE) {
    if (zigbeeFields)
      throw badRequest(
        'a bridge is bound to no bridge; bridgeId, ieeeAddress and friendlyName are for its sensors',
      );
    const extra = Object.keys(options).filter((key) => key !== 'baseTopic');
    if (extra.length > 0) throw badRequest(`options ${extra.join(', ')} do not apply to a bridge`);
    // Two bridges on one base topic would read each other's sensors and commands.
    const base = options.baseTopic ?? DEFAULT_BASE_TOPIC;
    const clash = hub.directory.bridges().find((bridge) => (bridge.baseTopic ?? DEFAULT_BASE_TOPIC) === base);
    if (clash) throw conflict(`bridge ${clash.deviceId} already uses the base topic "${base}"`);
    if (!input.id) throw badRequest('a bridge needs an id');
    return input.id;
  }
  if (zigbee) {
    if (!input.bridgeId) throw badRequest('a Zigbee sensor needs bridgeId, the bridge it speaks through');
    const bridge = hub.directory.lookup(input.bridgeId);
    if (bridge?.type !== BRIDGE_TYPE)
      throw badRequest(`bridgeId ${input.bridgeId} names no ${BRIDGE_TYPE} device`);
    if (!input.ieeeAddress && !input.friendlyName) {
      throw badRequest('a Zigbee sensor needs its ieeeAddress or its friendlyName on the bridge');
    }
    const extra = Object.keys(options).filter((key) => !(zigbee.options as string[]).includes(key));
    if (extra.length > 0) throw badRequest(`options ${extra.join(', ')} do not apply to ${zigbee.model}`);
    const id = input.id ?? (input.ieeeAddress ? `z-${input.ieeeAddress.toLowerCase()}` : undefined);
    if (!id) throw badRequest('a Zigbee sensor named only by friendlyName needs an id');
    return id;
  }
  if (zigbeeFields || input.options !== undefined) {
    throw badRequest('bridgeId, ieeeAddress, friendlyName and options are for Zigbee sensors and bridges');
  }
  if (!input.id) throw badRequest('id is required');
  return input.id;
}

export const deviceRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext }> = async (app, { hub }) => {
  app.get(
    '/api/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'All devices',
        response: { 200: Type.Array(Device), 401: ErrorResponse },
      },
    },
    async () => (await hub.devices.list()).map(publicDevice),
  );

  app.get(
    '/api/device-types',
    {
      schema: {
        tags: ['devices'],
        summary: 'The device types the hub understands (from devices/)',
        response: { 200: Type.Array(DeviceTypeInfo), 401: ErrorResponse },
      },
    },
    async () => [
      ...[...definitions, ...zigbeeDefinitions].map((definition) => ({
        type: definition.type,
        category: definition.category,
        nameZh: definition.nameZh,
        nameEn: definition.nameEn,
        description: definition.description,
        power: definition.power,
        readings: [...definition.readings],
        events: [...definition.events],
        ...('model' in definition
          ? { model: definition.model, vendor: definition.vendor, options: [...definition.options] }
          : {}),
      })),
      {
        type: BRIDGE_TYPE,
        category: 'bridge',
        nameZh: 'Zigbee2MQTT 网关',
        nameEn: 'Zigbee2MQTT bridge',
        description: 'A Zigbee2MQTT bridge; its sensors are registered as zigbee.<model> devices bound to it',
        power: 'mains',
        readings: [],
        events: [],
        options: ['baseTopic'],
      },
    ],
  );

  app.post(
    '/api/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'Register a device; the response carries its MQTT secret, shown this once',
        description:
          'A Zigbee2MQTT bridge is a device of type `bridge.zigbee2mqtt` (options.baseTopic, default ' +
          '`zigbee2mqtt`). A Zigbee sensor is a device of type `zigbee.<model>` with `bridgeId` and its ' +
          '`ieeeAddress` or `friendlyName` on that bridge; its id defaults to `z-<ieee>`. Its secret opens nothing.',
        body: DeviceInput,
        response: {
          201: CreatedDevice,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      requireRole(request, ['admin', 'supervisor']);
      const input = request.body;
      if (!getDefinition(input.type) && !zigbeeDefinitionByType(input.type) && input.type !== BRIDGE_TYPE) {
        throw badRequest(`unknown device type "${input.type}"`);
      }
      const id = await checkBinding(hub, input);
      if (input.retireeId && !(await hub.retirees.byId(input.retireeId).catch(() => null))) {
        throw badRequest('retireeId names no retiree');
      }
      const secret = newToken();
      try {
        const record = await hub.devices.create({ ...input, id, secretHash: hashToken(secret) });
        hub.directory.putDevice(record.id, entryOf(record));
        return reply.code(201).send({ device: publicDevice(record), secret });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(
            `device ${id} is already registered, or its bridge already has a sensor of that name`,
          );
        }
        throw error;
      }
    },
  );
};
