/**
 * What retirees contribute (6.9) under /api/contributions: the volunteer / think-tank / community political
 * commissar register with service hours, and oral history with its audio and transcript files.
 * Staff read; caseworkers, supervisors and admins write; a caseworker with a station sees that
 * station's retirees only. Files are archive attachments: their type is judged by their bytes and
 * each download is written in the archive's access log (6.1.2.8).
 */
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ATTACHMENT_CONTENT_TYPES, AttachmentStore, acceptUpload } from '../archive/attachments.ts';
import { ArchiveStore } from '../archive/store.ts';
import {
  ORAL_HISTORY_FILE_LABELS,
  ORAL_HISTORY_FILE_TYPES,
  OralHistories,
} from '../contributions/oralHistory.ts';
import { type Clock, ContributionRegister } from '../contributions/register.ts';
import { badRequest, unauthorized } from '../errors.ts';
import {
  type ListColumn,
  listWorkbook,
  MAX_LIST_EXPORT_ROWS,
  sendWorkbook,
  workbookResponse,
} from '../export/workbook.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import {
  Contribution,
  ContributionEnd,
  ContributionInput,
  ContributionQuery,
  FileParams,
  FileUploadQuery,
  OralHistory,
  OralHistoryInput,
  OralHistoryQuery,
  OralHistoryUpdate,
  ServiceHours,
  ServiceHoursInput,
} from '../schemas/contributions.ts';
import { scopeOf } from '../store/scope.ts';
import type { HubContext } from './context.ts';

const tags = ['contributions'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const writeErrors = { ...errors, 409: ErrorResponse };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const REGISTER_COLUMNS: ListColumn<Contribution>[] = [
  { header: '军休干部', value: (e) => e.retireeName, width: 12 },
  { header: '角色', value: (e) => e.kindName, width: 16 },
  { header: '特长', value: (e) => e.skills.join('、'), width: 24 },
  { header: '可服务时间', value: (e) => e.availability, width: 18 },
  { header: '开始日期', value: (e) => e.startedOn, width: 12 },
  { header: '结束日期', value: (e) => e.endedOn, width: 12 },
  { header: '结束原因', value: (e) => e.endReason, width: 16 },
  { header: '状态', value: (e) => (e.active ? '在册' : '已结束'), width: 8 },
  { header: '服务时长（小时）', value: (e) => e.totalHours, width: 16, format: '0.0' },
  { header: '备注', value: (e) => e.notes, width: 24 },
];

const ORAL_HISTORY_COLUMNS: ListColumn<OralHistory>[] = [
  { header: '题目', value: (o) => o.title, width: 24 },
  { header: '讲述人', value: (o) => o.retireeName, width: 12 },
  { header: '采访人', value: (o) => o.interviewer, width: 12 },
  { header: '访谈日期', value: (o) => o.interviewedOn, width: 12 },
  { header: '内容摘要', value: (o) => o.summary, width: 40 },
  { header: '录音', value: (o) => o.files.filter((f) => f.kind === 'audio').length, width: 8 },
  { header: '整理稿', value: (o) => o.files.filter((f) => f.kind === 'transcript').length, width: 8 },
  { header: '文字稿字数', value: (o) => o.transcript.length, width: 12 },
];

export interface RoleRouteOptions {
  hub: HubContext;
  clock?: Clock;
  /** The folder holding `attachments/`; default: the hub's data folder (HUB_DATA_DIR). */
  dataDir?: string;
  /** Largest file in bytes; default HUB_ARCHIVE_MAX_ATTACHMENT_BYTES or 10 MiB, as the archive. */
  maxAttachmentBytes?: number;
}

export const contributionRoutes: FastifyPluginAsyncTypebox<RoleRouteOptions> = async (app, options) => {
  const { hub } = options;
  const clock = options.clock ?? (() => new Date());
  const records = new ArchiveStore(hub.db, clock);
  const dataDir = path.resolve(options.dataDir ?? hub.dataDir);
  const maxBytes = options.maxAttachmentBytes ?? hub.maxAttachmentBytes;
  const register = new ContributionRegister(hub.db, clock);
  const store = new AttachmentStore(hub.db, records, dataDir);
  const oralHistories = new OralHistories(hub.db, store, clock);
  const userId = (request: { user: { id: string } | null }) => {
    if (!request.user) throw unauthorized();
    return request.user.id;
  };

  // Raw bodies for the files, in this plugin only.
  app.addContentTypeParser(
    [...ATTACHMENT_CONTENT_TYPES],
    { parseAs: 'buffer', bodyLimit: maxBytes },
    (_request, body, done) => done(null, body),
  );

  app.get(
    '/api/contributions/register',
    {
      config: { access: 'contributions.read' },
      schema: {
        tags,
        summary: 'The register: volunteers, think tank, community political commissars (6.9.2.1–6.9.2.3)',
        querystring: ContributionQuery,
        response: { 200: Type.Array(Contribution), ...errors },
      },
    },
    async (request) => {
      return register.list(request.query, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/contributions/register/export.xlsx',
    {
      config: { access: 'contributions.read' },
      schema: {
        tags,
        summary: 'The register with total service hours as an Excel workbook (same filters as the list)',
        querystring: ContributionQuery,
        produces: [XLSX],
        response: { 200: workbookResponse, ...errors },
      },
    },
    async (request, reply) => {
      const rows = await register.list(
        { ...request.query, limit: MAX_LIST_EXPORT_ROWS },
        scopeOf(request.user!),
      );
      return sendWorkbook(
        reply,
        await listWorkbook('志愿服务登记', REGISTER_COLUMNS, rows),
        'volunteer-register',
        '志愿服务登记',
      );
    },
  );

  app.post(
    '/api/contributions/register',
    {
      config: { access: 'contributions.write', retiree: 'body' },
      schema: {
        tags,
        summary: 'A retiree takes on a role; 409 while the same role is active or when deceased',
        body: ContributionInput,
        response: { 201: Contribution, ...writeErrors },
      },
    },
    async (request, reply) => {
      return reply
        .code(201)
        .send(await register.create(request.body, userId(request), scopeOf(request.user!)));
    },
  );

  app.get(
    '/api/contributions/register/:id',
    {
      config: { access: 'contributions.read' },
      schema: {
        tags,
        summary: 'One register entry',
        params: IdParams,
        response: { 200: Contribution, ...errors },
      },
    },
    async (request) => {
      return register.byId(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/contributions/register/:id/end',
    {
      config: { access: 'contributions.write' },
      schema: {
        tags,
        summary: 'End the role on a day, with the reason',
        params: IdParams,
        body: ContributionEnd,
        response: { 200: Contribution, ...writeErrors },
      },
    },
    async (request) => {
      return register.end(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/contributions/register/:id/hours',
    {
      config: { access: 'contributions.read' },
      schema: {
        tags,
        summary: 'Service hours logged for the entry, newest first',
        params: IdParams,
        response: { 200: Type.Array(ServiceHours), ...errors },
      },
    },
    async (request) => {
      return register.hours(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/contributions/register/:id/hours',
    {
      config: { access: 'contributions.write' },
      schema: {
        tags,
        summary: 'Log hours served on a day within the role’s period (not in the future)',
        params: IdParams,
        body: ServiceHoursInput,
        response: { 201: ServiceHours, ...writeErrors },
      },
    },
    async (request, reply) => {
      return reply
        .code(201)
        .send(
          await register.logHours(request.params.id, request.body, userId(request), scopeOf(request.user!)),
        );
    },
  );

  app.get(
    '/api/contributions/oral-histories',
    {
      config: { access: 'contributions.read' },
      schema: {
        tags,
        summary: 'Oral-history interviews (6.9.2.4), latest first',
        querystring: OralHistoryQuery,
        response: { 200: Type.Array(OralHistory), ...errors },
      },
    },
    async (request) => {
      return oralHistories.list(request.query, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/contributions/oral-histories/export.xlsx',
    {
      config: { access: 'contributions.read' },
      schema: {
        tags,
        summary: 'The oral-history list as an Excel workbook (same filters as the list)',
        querystring: OralHistoryQuery,
        produces: [XLSX],
        response: { 200: workbookResponse, ...errors },
      },
    },
    async (request, reply) => {
      const rows = await oralHistories.list(
        { ...request.query, limit: MAX_LIST_EXPORT_ROWS },
        scopeOf(request.user!),
      );
      return sendWorkbook(
        reply,
        await listWorkbook('口述历史', ORAL_HISTORY_COLUMNS, rows),
        'oral-histories',
        '口述历史',
      );
    },
  );

  app.post(
    '/api/contributions/oral-histories',
    {
      config: { access: 'contributions.write', retiree: 'body' },
      schema: {
        tags,
        summary: 'A new oral-history interview',
        body: OralHistoryInput,
        response: { 201: OralHistory, ...writeErrors },
      },
    },
    async (request, reply) => {
      return reply
        .code(201)
        .send(await oralHistories.create(request.body, userId(request), scopeOf(request.user!)));
    },
  );

  app.get(
    '/api/contributions/oral-histories/:id',
    {
      config: { access: 'contributions.read' },
      schema: {
        tags,
        summary: 'One interview with its files',
        params: IdParams,
        response: { 200: OralHistory, ...errors },
      },
    },
    async (request) => {
      return oralHistories.byId(request.params.id, scopeOf(request.user!));
    },
  );

  app.put(
    '/api/contributions/oral-histories/:id',
    {
      config: { access: 'contributions.write' },
      schema: {
        tags,
        summary: 'Change the title, interviewer, day, summary or transcript text',
        params: IdParams,
        body: OralHistoryUpdate,
        response: { 200: OralHistory, ...writeErrors },
      },
    },
    async (request) => {
      return oralHistories.update(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/contributions/oral-histories/:id/files',
    {
      config: { access: 'contributions.write' },
      bodyLimit: maxBytes,
      schema: {
        tags,
        summary:
          'Add a file: the raw file as the body, ?kind=audio (MP3, M4A, WAV, OGG) or transcript (PDF, JPEG, PNG) and ?name=',
        params: IdParams,
        querystring: FileUploadQuery,
        response: { 201: OralHistory, ...writeErrors, 413: ErrorResponse, 415: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { kind } = request.query;
      const type = acceptUpload(
        request.body,
        request.headers['content-type'],
        ORAL_HISTORY_FILE_TYPES[kind],
        ORAL_HISTORY_FILE_LABELS[kind],
      );
      const name = path.basename(request.query.name.trim().replace(/\\/g, '/'));
      if (!name) throw badRequest('name: 文件名称不能为空');
      const item = await oralHistories.addFile(
        request.params.id,
        kind,
        name,
        type,
        request.body as Buffer,
        userId(request),
        scopeOf(request.user!),
      );
      return reply.code(201).send(item);
    },
  );

  app.get(
    '/api/contributions/oral-histories/:id/files/:attachmentId',
    {
      config: { access: 'contributions.read' },
      schema: {
        tags,
        summary: 'Download a file of the interview; the reading is written in the archive access log',
        params: FileParams,
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The file' }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { item, attachment } = await oralHistories.file(
        request.params.id,
        request.params.attachmentId,
        scopeOf(request.user!),
      );
      const body = await store.read(attachment);
      await records.logAccess({
        userId: userId(request),
        retireeId: item.retireeId,
        attachmentId: attachment.id,
        action: 'attachment',
        reason: `口述历史：${item.title}`,
      });
      return reply
        .type(attachment.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`)
        .send(body);
    },
  );
};
