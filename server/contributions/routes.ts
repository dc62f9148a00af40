import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ATTACHMENT_CONTENT_TYPES, acceptUpload } from '../archive/attachments.ts';
import type { AreaOptions } from '../context.ts';
import { ORAL_HISTORY_FILE_LABELS, ORAL_HISTORY_FILE_TYPES } from '../contributions/oralHistory.ts';
import type { ListColumn } from '../export/workbook.ts';
import { acceptRawBodies, FileAnswer, sendFile, uploadName } from '../http/files.ts';
import { listWithExport, readErrors, userId, writeErrors } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
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

const route = routeOptions('contributions');

const tags = ['contributions'];

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

export const contributionRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const maxBytes = hub.maxAttachmentBytes;
  const { archiveAccess, contributionRegister: register, attachments: store, oralHistories } = app;

  // Raw bodies for the files, in this plugin only.
  acceptRawBodies(app, ATTACHMENT_CONTENT_TYPES, maxBytes);

  listWithExport(app, {
    url: '/api/contributions/register',
    access: 'contributions.read',
    tags,
    summary: 'The register: volunteers, think tank, community political commissars (6.9.2.1–6.9.2.3)',
    querystring: ContributionQuery,
    answer: Type.Array(Contribution),
    exportSummary: 'The register with total service hours as an Excel workbook (same filters as the list)',
    list: (query, scope) => register.list(query, scope),
    workbook: {
      sheet: '志愿服务登记',
      columns: REGISTER_COLUMNS,
      file: 'volunteer-register',
      name: '志愿服务登记',
    },
  });

  app.post(
    '/api/contributions/register',
    route('contributions.write', {
      retiree: 'body',
      summary: 'A retiree takes on a role; 409 while the same role is active or when deceased',
      body: ContributionInput,
      response: { 201: Contribution, ...writeErrors },
    }),
    async (request, reply) => {
      return reply
        .code(201)
        .send(await register.create(request.body, userId(request), scopeOf(request.user!)));
    },
  );

  app.get(
    '/api/contributions/register/:id',
    route('contributions.read', {
      summary: 'One register entry',
      params: IdParams,
      response: { 200: Contribution, ...readErrors },
    }),
    async (request) => {
      return register.byId(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/contributions/register/:id/end',
    route('contributions.write', {
      summary: 'End the role on a day, with the reason',
      params: IdParams,
      body: ContributionEnd,
      response: { 200: Contribution, ...writeErrors },
    }),
    async (request) => {
      return register.end(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/contributions/register/:id/hours',
    route('contributions.read', {
      summary: 'Service hours logged for the entry, newest first',
      params: IdParams,
      response: { 200: Type.Array(ServiceHours), ...readErrors },
    }),
    async (request) => {
      return register.hours(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/contributions/register/:id/hours',
    route('contributions.write', {
      summary: 'Log hours served on a day within the role’s period (not in the future)',
      params: IdParams,
      body: ServiceHoursInput,
      response: { 201: ServiceHours, ...writeErrors },
    }),
    async (request, reply) => {
      return reply
        .code(201)
        .send(
          await register.logHours(request.params.id, request.body, userId(request), scopeOf(request.user!)),
        );
    },
  );

  listWithExport(app, {
    url: '/api/contributions/oral-histories',
    access: 'contributions.read',
    tags,
    summary: 'Oral-history interviews (6.9.2.4), latest first',
    querystring: OralHistoryQuery,
    answer: Type.Array(OralHistory),
    exportSummary: 'The oral-history list as an Excel workbook (same filters as the list)',
    list: (query, scope) => oralHistories.list(query, scope),
    workbook: { sheet: '口述历史', columns: ORAL_HISTORY_COLUMNS, file: 'oral-histories', name: '口述历史' },
  });

  app.post(
    '/api/contributions/oral-histories',
    route('contributions.write', {
      retiree: 'body',
      summary: 'A new oral-history interview',
      body: OralHistoryInput,
      response: { 201: OralHistory, ...writeErrors },
    }),
    async (request, reply) => {
      return reply
        .code(201)
        .send(await oralHistories.create(request.body, userId(request), scopeOf(request.user!)));
    },
  );

  app.get(
    '/api/contributions/oral-histories/:id',
    route('contributions.read', {
      summary: 'One interview with its files',
      params: IdParams,
      response: { 200: OralHistory, ...readErrors },
    }),
    async (request) => {
      return oralHistories.byId(request.params.id, scopeOf(request.user!));
    },
  );

  app.put(
    '/api/contributions/oral-histories/:id',
    route('contributions.write', {
      summary: 'Change the title, interviewer, day, summary or transcript text',
      params: IdParams,
      body: OralHistoryUpdate,
      response: { 200: OralHistory, ...writeErrors },
    }),
    async (request) => {
      return oralHistories.update(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/contributions/oral-histories/:id/files',
    {
      ...route('contributions.write', {
        summary:
          'Add a file: the raw file as the body, ?kind=audio (MP3, M4A, WAV, OGG) or transcript (PDF, JPEG, PNG) and ?name=',
        params: IdParams,
        querystring: FileUploadQuery,
        response: { 201: OralHistory, ...writeErrors, 413: ErrorResponse, 415: ErrorResponse },
      }),
      bodyLimit: maxBytes,
    },
    async (request, reply) => {
      const { kind } = request.query;
      const type = acceptUpload(
        request.body,
        request.headers['content-type'],
        ORAL_HISTORY_FILE_TYPES[kind],
        ORAL_HISTORY_FILE_LABELS[kind],
      );
      const name = uploadName(request.query.name, 'name: 文件名称不能为空');
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
    route('contributions.read', {
      summary: 'Download a file of the interview; the reading is written in the archive access log',
      params: FileParams,
      response: { 200: FileAnswer, ...readErrors },
    }),
    async (request, reply) => {
      const { item, attachment } = await oralHistories.file(
        request.params.id,
        request.params.attachmentId,
        scopeOf(request.user!),
      );
      const body = await store.read(attachment);
      await archiveAccess.record({
        userId: userId(request),
        retireeId: item.retireeId,
        attachmentId: attachment.id,
        action: 'attachment',
        reason: `口述历史：${item.title}`,
      });
      return sendFile(reply, attachment, body);
    },
  );
};
