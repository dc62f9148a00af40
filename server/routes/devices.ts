import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { definitions, getDefinition } from '../../devices/index.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import { badRequest, conflict } from '../errors.ts';
import { publicDevice } from '../records/devices.ts';
import { isUniqueViolation } from '../records/rows.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { CreatedDevice, Device, DeviceInput, DeviceTypeInfo } from '../schemas/devices.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

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
    async () =>
      definitions.map((definition) => ({
        type: definition.type,
        category: definition.category,
        nameZh: definition.nameZh,
        nameEn: definition.nameEn,
        description: definition.description,
        power: definition.power,
        readings: [...definition.readings],
        events: [...definition.events],
      })),
  );

  app.post(
    '/api/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'Register a device; the response carries its MQTT secret, shown this once',
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
      if (!getDefinition(input.type)) throw badRequest(`unknown device type "${input.type}"`);
      if (input.retireeId && !(await hub.retirees.byId(input.retireeId).catch(() => null))) {
        throw badRequest('retireeId names no retiree');
      }
      const secret = newToken();
      try {
        const record = await hub.devices.create({ ...input, secretHash: hashToken(secret) });
        hub.directory.putDevice(record.id, {
          type: record.type,
          retireeId: record.retireeId,
          secretHash: record.secretHash,
        });
        return reply.code(201).send({ device: publicDevice(record), secret });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`device ${input.id} is already registered`);
        throw error;
      }
    },
  );
};
