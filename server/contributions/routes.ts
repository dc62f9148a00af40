import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ATTACHMENT_CONTENT_TYPES, acceptUpload } from '../archive/attachments.ts';
import type { AreaOptions } from '../context.ts';
import { ORAL_HISTORY_FILE_LABELS, ORAL_HISTORY_FILE_TYPES } from '../contributions/oralHistory.ts';
import type { ListColumn } from '../export/workbook.ts';
import { acceptRawBodies, FileAnswer, sendFile, uploadName } from '../http/files.ts';
import { listWithExport, readErrors, userId, writeErrors } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
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
    tags: route.tags,
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

  const entries = recordRoutes(app, route, {
    url: '/api/contributions/register',
    record: Contribution,
    read: 'contributions.read',
    write: 'contributions.write',
  });
  entries.create(
    {
      retiree: 'body',
      summary: 'A retiree takes on a role; 409 while the same role is active or when deceased',
      body: ContributionInput,
    },
    (body, caller) => register.create(body, caller.id, caller.scope),
  );
  entries.one('One register entry', (id, caller) => register.byId(id, caller.scope));
  entries.on(
    'end',
    { summary: 'End the role on a day, with the reason', body: ContributionEnd },
    (id, body, caller) => register.end(id, body, caller.scope),
  );
  entries.on(
    'hours',
    {
      method: 'get',
      summary: 'Service hours logged for the entry, newest first',
      answer: Type.Array(ServiceHours),
    },
    (id, _, caller) => register.hours(id, caller.scope),
  );
  entries.on(
    'hours',
    {
      summary: 'Log hours served on a day within the role’s period (not in the future)',
      body: ServiceHoursInput,
      answer: ServiceHours,
      code: 201,
    },
    (id, body, caller) => register.logHours(id, body, caller.id, caller.scope),
  );

  listWithExport(app, {
    url: '/api/contributions/oral-histories',
    access: 'contributions.read',
    tags: route.tags,
    summary: 'Oral-history interviews (6.9.2.4), latest first',
    querystring: OralHistoryQuery,
    answer: Type.Array(OralHistory),
    exportSummary: 'The oral-history list as an Excel workbook (same filters as the list)',
    list: (query, scope) => oralHistories.list(query, scope),
    workbook: { sheet: '口述历史', columns: ORAL_HISTORY_COLUMNS, file: 'oral-histories', name: '口述历史' },
  });

  const interviews = recordRoutes(app, route, {
    url: '/api/contributions/oral-histories',
    record: OralHistory,
    read: 'contributions.read',
    write: 'contributions.write',
  });
  interviews.create(
    { retiree: 'body', summary: 'A new oral-history interview', body: OralHistoryInput },
    (body, caller) => oralHistories.create(body, caller.id, caller.scope),
  );
  interviews.one('One interview with its files', (id, caller) => oralHistories.byId(id, caller.scope));
  interviews.on(
    '',
    {
      method: 'put',
      summary: 'Change the title, interviewer, day, summary or transcript text',
      body: OralHistoryUpdate,
    },
    (id, body, caller) => oralHistories.update(id, body, caller.scope),
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
