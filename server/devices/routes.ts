import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyError } from 'fastify';
import {
  BRIDGE_TYPE,
  DEFAULT_BASE_TOPIC,
  definitions,
  genericZigbee,
  getDefinition,
  zigbeeDefinitionByType,
  zigbeeDefinitions,
} from '../../devices/index.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, conflict, HubError, notFound } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { type SchemaIssue, schemaFieldErrors } from '../intake/validation.ts';
import { ErrorResponse, IdParams, Limit, Offset } from '../schemas/common.ts';
import {
  CreatedDevice,
  Device,
  DeviceFieldErrorResponse,
  DeviceInput,
  DeviceTypeInfo,
  RevokeBody,
  RotatedSecret,
} from '../schemas/devices.ts';
import { type DeviceRecord, type ListedDevice, publicDevice } from '../store/devices.ts';
import { isUniqueViolation } from '../store/rows.ts';
import { retireesOfScope } from '../store/scope.ts';
import { type Directory, entryOf } from './directory.ts';
import { type DeviceSecurityState, HUB_DEVICE_TYPE } from './revocations.ts';

const route = routeOptions('devices');

/** One device a Zigbee2MQTT bridge reports, registered or not. */
const ZigbeeNetworkEntry = Type.Object({
  bridgeId: Type.String(),
  ieeeAddress: Type.String(),
  friendlyName: Type.String(),
  model: Type.Union([Type.String(), Type.Null()], {
    description: 'As Zigbee2MQTT reports it; null when it has no definition',
  }),
  vendor: Type.Union([Type.String(), Type.Null()]),
  exposes: Type.Array(Type.String(), {
    description: 'The names of its exposes (`definition.exposes`), as the bridge lists them',
  }),
  understood: Type.Array(Type.String(), {
    description: 'What the hub reads of it (smokeAlarm, sosFlag, battery…); empty: unsupported',
  }),
  supported: Type.Boolean({ description: 'Whether the hub reads anything of it beyond link quality' }),
  named: Type.Boolean({ description: 'Whether devices/zigbee/definitions/ names its model' }),
  deviceId: Type.Union([Type.String(), Type.Null()], {
    description: 'The device record bound to it (by IEEE address or friendly name), if any',
  }),
  reportedAt: Type.String({ format: 'date-time', description: 'When the bridge published this list' }),
});

/** The registry's filters and page (`GET /api/device-registry`). */
const DeviceRegistryQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 64,
      description:
        "Part of the device's id, label, room or Zigbee friendly name, of its type's name, or of the bound retiree's name",
    }),
  ),
  type: Type.Optional(Type.String({ maxLength: 64, description: 'One device type, e.g. `wearable.watch`' })),
  status: Type.Optional(
    Type.Union([Type.Literal('online'), Type.Literal('offline')], {
      description: 'Only devices in this state',
    }),
  ),
  limit: Limit(500, 50),
  offset: Type.Optional(Offset),
});

const DeviceRegistryPage = Type.Object({
  items: Type.Array(Device, { description: 'Offline devices first, then by id' }),
  total: Type.Integer({ description: 'Devices the filters find, on every page' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

/** The types whose Chinese or English name holds `text`: searching "手表" finds the watches. */
function typesNamed(text: string): string[] {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return [];
  return [...definitions, ...zigbeeDefinitions, genericZigbee]
    .filter(
      (definition) =>
        definition.nameZh.toLowerCase().includes(wanted) || definition.nameEn.toLowerCase().includes(wanted),
    )
    .map((definition) => definition.type);
}

/** A device as the API shows it, with whether it was revoked and when its secret was replaced. */
function shownDevice(record: DeviceRecord, state: DeviceSecurityState | undefined): Device {
  return {
    ...publicDevice(record),
    revokedAt: state?.revokedAt ?? null,
    revokedReason: state?.revokedReason ?? null,
    secretRotatedAt: state?.secretRotatedAt ?? null,
  };
}

/** A device of the registry's page as the API shows it. */
function publicListed(record: ListedDevice): Device {
  const { revokedAt, revokedReason, secretRotatedAt, ...stored } = record;
  return { ...publicDevice(stored), revokedAt, revokedReason, secretRotatedAt };
}

/**
 * Checks what only some types may carry: a bridge has a base topic and nothing else; a Zigbee
 * sensor names its bridge and how the bridge calls it; a native device has none of these.
 * Returns the device id to use (a Zigbee sensor's defaults to `z-<ieee>`).
 */
async function checkBinding(directory: Directory, input: DeviceInput): Promise<string> {
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
    const clash = directory.bridges().find((bridge) => (bridge.baseTopic ?? DEFAULT_BASE_TOPIC) === base);
    if (clash) throw conflict(`bridge ${clash.deviceId} already uses the base topic "${base}"`);
    if (!input.id) throw badRequest('a bridge needs an id');
    return input.id;
  }
  if (zigbee) {
    if (!input.bridgeId) throw badRequest('a Zigbee sensor needs bridgeId, the bridge it speaks through');
    const bridge = directory.lookup(input.bridgeId);
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

/**
 * How long registering a bridge waits for the hub to follow its base topic on an external broker:
 * beyond a few of the consumer's attempts to connect again (2 s apart).
 */
const BRIDGE_FOLLOW_WAIT_MS = 10_000;

/** What Mosquitto's account of a device is made from. */
function brokerAccountOf(record: { id: string; type: string; options: unknown }) {
  const baseTopic = (record.options as { baseTopic?: string } | null)?.baseTopic;
  return { id: record.id, type: record.type, ...(baseTopic ? { baseTopic } : {}) };
}

/** 502: the external broker did not take an account change, so the hub made none either. */
function brokerUnavailable(error: unknown, outcome: string): HubError {
  const reason = error instanceof Error ? error.message : String(error);
  return new HubError(
    502,
    'broker_unavailable',
    `Mosquitto did not take the device's account (${reason}); ${outcome}`,
  );
}

export const deviceRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { deviceRevocations: revocations } = app;

  const deviceRecords = recordRoutes(app, route, {
    url: '/api/devices',
    record: Device,
    read: 'devices.read',
    write: 'devices.manage',
  });
  deviceRecords.list({ summary: 'All devices', errors: refusals(401) }, async (_, caller) => {
    const [records, states] = await Promise.all([app.devices.list(), revocations.states()]);
    // A station-bound caseworker sees the devices of that station's retirees (and unassigned ones).
    const mine = await retireesOfScope(hub.db, caller.scope);
    // The hub's own row is the subject of security alerts, not a device anyone manages.
    return records
      .filter((record) => record.type !== HUB_DEVICE_TYPE)
      .filter((record) => mine === null || record.retireeId === null || mine.has(record.retireeId))
      .map((record) => shownDevice(record, states.get(record.id)));
  });

  // Its own collection, so `GET /api/devices` keeps answering every device as a plain array.
  const registry = recordRoutes(app, route, {
    url: '/api/device-registry',
    record: Device,
    read: 'devices.read',
    errors: { read: refusals(400, 401) },
  });
  registry.list(
    {
      summary: 'Devices a page at a time, searched and filtered, with how many the filters find in all',
      description:
        'The device page reads it. `q` searches the id, label, room, Zigbee friendly name, the type’s name ' +
        'and the bound retiree’s name; offline devices come first, then by id, so pages never overlap.',
      query: DeviceRegistryQuery,
      answer: DeviceRegistryPage,
    },
    async (query, caller) => {
      const limit = query.limit ?? 50;
      const offset = query.offset ?? 0;
      const { items, total } = await app.devices.listing({
        ...(query.q?.trim() ? { q: query.q, typesNamed: typesNamed(query.q) } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.status ? { online: query.status === 'online' } : {}),
        // A station-bound caseworker sees the devices of that station's retirees (and unassigned ones).
        station: caller.scope.station,
        hidden: HUB_DEVICE_TYPE,
        limit,
        offset,
      });
      return { items: items.map(publicListed), total, limit, offset };
    },
  );

  app.get(
    '/api/devices/zigbee-network',
    route('devices.read', {
      summary:
        'The devices the Zigbee2MQTT bridges report, with what each exposes and what the hub reads of it',
      description:
        'From each bridge’s last `bridge/devices`. A device whose `understood` is empty exposes nothing ' +
        'the hub reads (`supported: false`): it is listed with its exposes rather than dropped.',
      response: { 200: Type.Array(ZigbeeNetworkEntry), 401: ErrorResponse },
    }),
    async () =>
      [...app.directory.zigbeeNetworks.all()].flatMap(([bridgeId, network]) => {
        const bound = app.directory.bridged(bridgeId);
        return network.devices.map((device) => ({
          bridgeId,
          ieeeAddress: device.ieeeAddress,
          friendlyName: device.friendlyName,
          model: device.model,
          vendor: device.vendor,
          exposes: [...device.exposes],
          understood: [...device.understood],
          supported: device.understood.length > 0,
          named: device.named,
          deviceId:
            bound.find(
              (sensor) =>
                sensor.ieeeAddress?.toLowerCase() === device.ieeeAddress.toLowerCase() ||
                sensor.friendlyName === device.friendlyName,
            )?.deviceId ?? null,
          reportedAt: new Date(network.ts).toISOString(),
        }));
      }),
  );

  app.get(
    '/api/device-types',
    route('devices.read', {
      summary: 'The device types the hub understands (from devices/)',
      response: { 200: Type.Array(DeviceTypeInfo), 401: ErrorResponse },
    }),
    async () => [
      ...[...definitions, ...zigbeeDefinitions, genericZigbee].map((definition) => ({
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

  deviceRecords.create(
    {
      summary: 'Register a device; the response carries its MQTT secret, shown this once',
      description:
        'A Zigbee2MQTT bridge is a device of type `bridge.zigbee2mqtt` (options.baseTopic, default ' +
        '`zigbee2mqtt`). A Zigbee sensor is a device of type `zigbee.<model>` with `bridgeId` and its ' +
        '`ieeeAddress` or `friendlyName` on that bridge; its id defaults to `z-<ieee>`. Its secret opens nothing. ' +
        'On an external broker a bridge is answered once this instance follows its base topic there; 502 ' +
        '`broker_unavailable` when the broker refuses that or stays away 10 s, and nothing is registered.',
      body: DeviceInput,
      answer: CreatedDevice,
      errors: refusals(400, 401, 403, 409, 502),
    },
    async (input) => {
      if (!getDefinition(input.type) && !zigbeeDefinitionByType(input.type) && input.type !== BRIDGE_TYPE) {
        throw badRequest(`unknown device type "${input.type}"`);
      }
      const id = await checkBinding(app.directory, input);
      if (input.retireeId && !(await app.retirees.byId(input.retireeId).catch(() => null))) {
        throw badRequest('retireeId names no retiree');
      }
      const secret = newToken();
      try {
        const record = await app.devices.create({ ...input, id, secretHash: hashToken(secret) });
        // On an external Mosquitto a device that connects needs its account there too, or it is
        // not registered; a Zigbee sensor connects through its bridge.
        const accounts = zigbeeDefinitionByType(record.type) ? null : app.brokerAccounts();
        if (accounts) {
          await accounts.provision(brokerAccountOf(record), secret).catch(async (error: unknown) => {
            await app.devices.forget(record.id);
            throw brokerUnavailable(error, 'nothing was registered');
          });
        }
        app.directory.putDevice(record.id, entryOf(record));
        if (record.type === BRIDGE_TYPE) {
          // The broker keeps nothing for a topic nobody subscribed: a bridge is registered only
          // once this instance follows its base topic, before the bridge can first speak.
          const base = brokerAccountOf(record).baseTopic ?? DEFAULT_BASE_TOPIC;
          if (!(await app.bridgeFollowed(base, BRIDGE_FOLLOW_WAIT_MS))) {
            await app.devices.forget(record.id);
            app.directory.forgetDevice(record.id);
            await accounts?.remove(record.id).catch((error: unknown) => {
              app.log.warn({ deviceId: record.id, err: error }, 'account of an unregistered bridge kept');
            });
            throw new HubError(
              502,
              'broker_unavailable',
              `the broker did not let the hub follow the bridge's topics (${base}/#) within ${BRIDGE_FOLLOW_WAIT_MS / 1000} s; nothing was registered`,
            );
          }
        }
        return { device: publicDevice(record), secret };
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

  // Revocation and rotation answer a wrong body field by field, in Chinese.
  await app.register(async (plugin) => {
    const scoped = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scoped.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.validation) {
        const fields = schemaFieldErrors(error.validation as SchemaIssue[]);
        const message = fields.map((field) => `${field.field}: ${field.message}`).join('；');
        return reply.code(400).send({ error: 'bad_request', message, fields });
      }
      throw error;
    });

    /** The device to act on: 404 when unknown (the hub's own row included), 409 when already revoked. */
    const actionable = async (id: string): Promise<DeviceRecord> => {
      const record = await app.devices.byId(id);
      if (!record || record.type === HUB_DEVICE_TYPE) throw notFound('device');
      if ((await revocations.states()).get(id)?.revokedAt) throw conflict(`设备 ${id} 已被吊销`);
      return record;
    };

    scoped.post(
      '/api/devices/:id/revoke',
      route('devices.manage', {
        summary: 'Revoke a device: it can no longer sign in, its session closes and its queue is dropped',
        description:
          'For good: a lost, stolen or retired device. Its live MQTT session is closed at once, the ' +
          'commands queued for it are dropped, its retained status becomes `{"online":false,"revoked":true}` ' +
          'and any later CONNECT gets CONNACK 5 (not authorized). Its records, alerts and readings stay.',
        params: IdParams,
        body: RevokeBody,
        response: {
          200: Device,
          400: DeviceFieldErrorResponse,
          ...refusals(401, 403, 404, 409),
        },
      }),
      async (request, reply) => {
        const { id } = request.params;
        const reason = request.body.reason.trim();
        if (!reason) {
          const fields = [{ field: 'reason', message: '不能为空' }];
          return reply.code(400).send({ error: 'bad_request', message: 'reason: 不能为空', fields });
        }
        await actionable(id);
        const at = new Date();
        if (!(await revocations.revoke(id, reason, request.user!.id, at))) {
          throw conflict(`设备 ${id} 已被吊销`);
        }
        app.directory.revoke(id);
        await app.deviceState.revoked(id);
        // Applied again at each reconnection to Mosquitto when it fails now.
        await app
          .brokerAccounts()
          ?.revoke(id)
          .catch((error: unknown) =>
            request.log.error({ err: error, deviceId: id }, 'revocation not yet applied in Mosquitto'),
          );
        request.log.warn({ deviceId: id, by: request.user!.id }, 'device revoked');
        const record = await app.devices.byId(id);
        if (!record) throw notFound('device');
        return shownDevice(record, (await revocations.states()).get(id));
      },
    );

    scoped.post(
      '/api/devices/:id/secret',
      route('devices.manage', {
        summary: 'Replace the MQTT secret of a device; the new one is shown this once',
        description:
          'The old secret stops working at once and the device’s current session is closed, so it ' +
          'must reconnect with the new one. A Zigbee sensor has no secret of its own (its bridge ' +
          'speaks for it); a revoked device gets none.',
        params: IdParams,
        response: {
          200: RotatedSecret,
          ...refusals(401, 403, 404, 409, 502),
        },
      }),
      async (request) => {
        const { id } = request.params;
        const record = await actionable(id);
        if (zigbeeDefinitionByType(record.type)) {
          throw conflict(`设备 ${id} 是 Zigbee 传感器，经网关接入，没有自己的密钥`);
        }
        const secret = newToken();
        const secretHash = hashToken(secret);
        // Mosquitto first: when it cannot take the new secret, the old one stays in force everywhere.
        await app
          .brokerAccounts()
          ?.rotate(brokerAccountOf(record), secret)
          .catch((error: unknown) => {
            throw brokerUnavailable(error, 'the old secret stays in force');
          });
        if (!(await revocations.replaceSecret(id, secretHash, request.user!.id, new Date()))) {
          throw conflict(`设备 ${id} 已被吊销`);
        }
        app.directory.replaceSecret(id, secretHash);
        request.log.warn({ deviceId: id, by: request.user!.id }, 'device secret replaced');
        const updated = await app.devices.byId(id);
        if (!updated) throw notFound('device');
        return { device: shownDevice(updated, (await revocations.states()).get(id)), secret };
      },
    );
  });
};
