import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { WATCH_COMMAND_KINDS } from '../../devices/watches/index.ts';
import { mayAccess } from '../access/policy.ts';
import type { AreaOptions } from '../context.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { FileAnswer, sendFile } from '../http/files.ts';
import { callerScope, refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { IdParams } from '../schemas/common.ts';
import {
  VoiceNote,
  WatchCommandInput,
  WatchCommandLog,
  WatchCommandRecord,
} from '../schemas/watch-commands.ts';
import type { DeviceRecord } from '../store/devices.ts';
import { retireesOfScope } from '../store/scope.ts';
import { isSetting, watchProtocolOf } from './commands.ts';
import { VOICE_CONTENT_TYPES } from './voice.ts';

const route = routeOptions('devices');
const alertRoute = routeOptions('alerts');

export const watchCommandRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  /** The device named in the path, as the caller may see it (a station's caseworker: its retirees'). */
  const visible = async (request: FastifyRequest, id: string): Promise<DeviceRecord> => {
    const record = await app.devices.byId(id);
    if (!record) throw notFound('device');
    const mine = await retireesOfScope(hub.db, callerScope(request));
    if (mine !== null && record.retireeId !== null && !mine.has(record.retireeId)) throw notFound('device');
    return record;
  };

  app.get(
    '/api/devices/:id/commands',
    route('devices.read', {
      summary:
        "What a watch can be told, and its commands, newest first (the last 50), with each one's answer",
      params: IdParams,
      response: { 200: WatchCommandLog, ...refusals(401, 403, 404) },
    }),
    async (request) => {
      const device = await visible(request, request.params.id);
      const protocol = watchProtocolOf(device.type);
      const kinds = WATCH_COMMAND_KINDS.filter((kind) => protocol?.commands.has(kind));
      return { kinds, commands: await app.watchCommands.list(device.id) };
    },
  );

  app.get(
    '/api/devices/:id/voice-notes',
    route('devices.read', {
      summary: 'The voice notes a watch recorded, newest first (the last 50), without their audio',
      params: IdParams,
      response: { 200: Type.Array(VoiceNote), ...refusals(401, 403, 404) },
    }),
    async (request) => app.voiceNotes.ofDevice((await visible(request, request.params.id)).id),
  );

  app.get(
    '/api/alerts/:id/voice-notes',
    alertRoute('alerts.read', {
      summary: 'The voice notes kept with an alert, oldest first, without their audio',
      retiree: 'alert',
      params: IdParams,
      response: { 200: Type.Array(VoiceNote), ...refusals(401, 403, 404) },
    }),
    async (request) => app.voiceNotes.ofAlert(uuidOr404(request.params.id, 'alert')),
  );

  app.get(
    '/api/voice-notes/:id/audio',
    alertRoute('alerts.read', {
      summary: "A voice note's audio (AMR), as the watch recorded it",
      params: IdParams,
      response: { 200: FileAnswer, ...refusals(401, 403, 404) },
    }),
    async (request, reply) => {
      const note = await app.voiceNotes.audio(uuidOr404(request.params.id, 'voice note'));
      const mine = note && (await retireesOfScope(hub.db, callerScope(request)));
      if (!note || (mine && note.retireeId !== null && !mine.has(note.retireeId)))
        throw notFound('voice note');
      const stamp = note.receivedAt.replace(/\D/g, '').slice(0, 14);
      const type =
        VOICE_CONTENT_TYPES[note.format as keyof typeof VOICE_CONTENT_TYPES] ?? 'application/octet-stream';
      return sendFile(
        reply,
        { contentType: type, name: `voice-${note.deviceId}-${stamp}.${note.format}` },
        note.audio,
      );
    },
  );

  app.post(
    '/api/devices/:id/commands',
    route('devices.command', {
      summary: 'Send a command to a watch or pendant; it waits for a watch that is away',
      description:
        'For devices on a maker protocol (`watch.3g`, `watch.iw`, `pendant.jt808`). `text` shows the ' +
        "centre's words on the watch and `locate` asks for a position now: the monitoring desk's; they " +
        'expire after 30 minutes of waiting. Settings (`heart_rate_interval`, `fall_alarm`, ' +
        '`removal_alarm`, `sos_numbers`) are for supervisors and admins; a setting asked for again ' +
        'replaces the one still waiting. `sos_numbers` without numbers sets the centre’s duty phone ' +
        '(HUB_CENTRE_PHONE) and then the retiree’s contacts by priority. Answered 201 with the command ' +
        'as stored: `sent` when the watch was there, else `queued`. 409 for a device that is no such ' +
        'watch, a command its protocol does not have, or a revoked device.',
      params: IdParams,
      body: WatchCommandInput,
      response: { 201: WatchCommandRecord, ...refusals(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const input = request.body;
      if (isSetting(input.kind) && !mayAccess('devices.manage', request.user?.role)) {
        throw forbidden('更改手表设置需要主管或管理员');
      }
      const device = await visible(request, request.params.id);
      if ((await app.deviceRevocations.states()).get(device.id)?.revokedAt) {
        throw conflict(`设备 ${device.id} 已被吊销`);
      }
      const command = await app.watchCommands.request(device, input, { userId: request.user!.id });
      request.log.info({ deviceId: device.id, kind: input.kind, status: command.status }, 'watch command');
      return reply.code(201).send(command);
    },
  );
};
