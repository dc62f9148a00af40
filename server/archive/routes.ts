import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { AreaOptions } from '../context.ts';
import { badRequest, HubError, notFound } from '../errors.ts';
import { listWorkbook, MAX_LIST_EXPORT_ROWS, sendWorkbook, workbookResponse } from '../export/workbook.ts';
import { acceptRawBodies, FileAnswer, sendFile, uploadName } from '../http/files.ts';
import { callerScope, readErrors, refusals } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import {
  AccessLog,
  AccessLogExportQuery,
  AccessLogQuery,
  ArchiveInput,
  ArchiveList,
  ArchiveListQuery,
  ArchiveRecord,
  ArchiveUpdate,
  Attachment,
  AttachmentParams,
  ExportQuery,
  FamilyMemberInput,
  FieldErrorResponse,
  HistoryEntry,
  HistoryQuery,
  ImportErrors,
  ImportResult,
  ReasonQuery,
  UploadQuery,
  WithdrawBody,
} from '../schemas/archive.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import { assertInScope, type Scope } from '../store/scope.ts';
import { accessLogColumns } from './access-log.ts';
import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_TYPES, acceptUpload } from './attachments.ts';
import { exportWorkbook, importTemplate, readImport, XLSX_TYPE } from './excel.ts';
import type { ArchiveField } from './fields.ts';
import { FieldErrors, type ListFilter } from './store.ts';

const route = routeOptions('archive');

const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const MAX_EXPORT_ROWS = 20_000;

/** 6.1.2.8: every consultation states why. */
function requireReason(reason: string | undefined): string {
  const text = reason?.trim() ?? '';
  if (text.length < 2) throw badRequest('查阅档案须说明事由：请在 reason 参数中填写查阅原因（至少2个字）');
  return text;
}

function listFilter(query: ListFilter): ListFilter {
  const { q, centre, station, status, rank, livingSituation, bedridden, ageMin, ageMax } = query;
  if (ageMin !== undefined && ageMax !== undefined && ageMin > ageMax) {
    throw badRequest('年龄下限不能大于年龄上限');
  }
  return { q, centre, station, status, rank, livingSituation, bedridden, ageMin, ageMax };
}

/** 400 with a message per field; 409 when the ID card belongs to another record. */
function sendFieldErrors(reply: FastifyReply, error: FieldErrors) {
  const duplicate = error.errors.some((item) => item.message.includes('已登记'));
  return reply.code(duplicate ? 409 : 400).send({
    error: duplicate ? 'conflict' : 'bad_request',
    message: error.message,
    fields: error.errors,
  });
}

export const archiveRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { archive: records, archiveAccess, visits, attachments } = app;
  const maxBytes = hub.maxAttachmentBytes;

  // Raw bodies for attachments and the import, in this plugin only.
  acceptRawBodies(app, ATTACHMENT_CONTENT_TYPES, maxBytes);
  acceptRawBodies(app, [XLSX_TYPE], MAX_IMPORT_BYTES);

  /** The retiree's id when it exists and is within the user's scope (their station); 404 otherwise. */
  const retireeOr404 = async (scope: Scope, id: string) => {
    const retireeId = uuidOr404(id, 'retiree');
    if (!(await records.exists(retireeId))) throw notFound('retiree');
    await assertInScope(hub.db, scope, retireeId);
    return retireeId;
  };
  /** A caseworker of a station lists that station's retirees, whatever the filter asks for. */
  const scopedFilter = ({ station }: Scope, query: ListFilter): ListFilter => {
    const filter = listFilter(query);
    return station === null ? filter : { ...filter, station };
  };

  const archiveRecords = recordRoutes(app, route, {
    url: '/api/archive/retirees',
    record: ArchiveRecord,
    read: 'archive.read',
    write: 'archive.write',
    retiree: 'path',
  });
  archiveRecords.list(
    {
      summary: 'The archive list (6.11.1 a): search, filters, sort and paging; ID cards masked',
      query: ArchiveListQuery,
      answer: ArchiveList,
    },
    async (query, caller) => {
      const limit = query.limit ?? 50;
      const offset = query.offset ?? 0;
      const page = await records.list(
        scopedFilter(caller.scope, query),
        query.sort ?? 'name',
        query.order ?? 'asc',
        limit,
        offset,
      );
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/api/archive/retirees.xlsx',
    route('archive.read', {
      summary: 'The archive list as an Excel workbook, with the same filters; logged with its reason',
      querystring: ExportQuery,
      produces: [XLSX_TYPE],
      response: {
        200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The workbook (.xlsx)' }),
        ...readErrors,
      },
    }),
    async (request, reply) => {
      const reason = requireReason(request.query.reason);
      const filter = scopedFilter(callerScope(request), request.query);
      const rows = await records.all(
        filter,
        request.query.sort ?? 'name',
        request.query.order ?? 'asc',
        MAX_EXPORT_ROWS,
      );
      await archiveAccess.record({
        userId: request.user!.id,
        retireeId: null,
        action: 'export',
        reason,
        detail: { filter, rows: rows.length },
      });
      return sendWorkbook(reply, await exportWorkbook(rows), 'archive', '军休干部档案');
    },
  );

  app.post(
    '/api/archive/retirees',
    route('archive.write', {
      summary: 'Open an archive record; each field is checked with its own message',
      body: ArchiveInput,
      response: {
        201: ArchiveRecord,
        400: FieldErrorResponse,
        ...refusals(401, 403),
        409: FieldErrorResponse,
      },
    }),
    async (request, reply) => {
      try {
        const created = await records.create(
          request.body as Partial<Record<ArchiveField, unknown>>,
          request.user!.id,
        );
        // 孤老 (living alone) and long bedridden have a monthly focus visit from the start (6.8.2.3).
        if (created.livingSituation === 'alone' || created.bedridden) {
          await visits.syncFocusVisit(hub.db, created.id, null);
        }
        return reply.code(201).send(created);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        return sendFieldErrors(reply, error);
      }
    },
  );

  archiveRecords.on(
    '',
    {
      summary: 'A full archive record; `reason` is required and the reading is logged (6.1.2.8)',
      method: 'get',
      query: Type.Object({ reason: Type.Optional(ReasonQuery.properties.reason) }),
    },
    async (rawId, query, caller) => {
      const id = await retireeOr404(caller.scope, rawId);
      const reason = requireReason(query.reason);
      const record = await records.byId(id);
      if (!record) throw notFound('retiree');
      await archiveAccess.record({ userId: caller.id, retireeId: id, action: 'record', reason });
      return record;
    },
  );

  app.patch(
    '/api/archive/retirees/:id',
    route('archive.write', {
      retiree: 'path',
      summary:
        'Change archive fields; each is checked with its own message, a rejected change changes nothing',
      params: IdParams,
      body: ArchiveUpdate,
      response: {
        200: ArchiveRecord,
        400: FieldErrorResponse,
        ...refusals(401, 403, 404),
        409: FieldErrorResponse,
      },
    }),
    async (request, reply) => {
      const id = await retireeOr404(callerScope(request), request.params.id);
      try {
        const updated = await records.update(
          id,
          request.body as Partial<Record<ArchiveField, unknown>>,
          request.user!.id,
          async (tx, changed) => {
            // 孤老 (living alone) and long bedridden keep a monthly focus visit open (6.8.2.3).
            if (changed.includes('livingSituation') || changed.includes('bedridden')) {
              await visits.syncFocusVisit(tx, id, null);
            }
          },
        );
        if (!updated) throw notFound('retiree');
        return updated;
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        return sendFieldErrors(reply, error);
      }
    },
  );

  archiveRecords.on(
    'history',
    {
      summary: 'The change history of a record, newest first (who, when, field, old, new); logged',
      method: 'get',
      query: Type.Object({
        ...HistoryQuery.properties,
        reason: Type.Optional(HistoryQuery.properties.reason),
      }),
      answer: Type.Array(HistoryEntry),
    },
    async (rawId, query, caller) => {
      const id = await retireeOr404(caller.scope, rawId);
      const reason = requireReason(query.reason);
      await archiveAccess.record({ userId: caller.id, retireeId: id, action: 'history', reason });
      return records.history(id, query.limit ?? 100, query.offset ?? 0);
    },
  );

  app.post(
    '/api/archive/retirees/:id/family',
    route('archive.write', {
      retiree: 'path',
      summary: 'Add a family member (kept with the emergency contacts)',
      params: IdParams,
      body: FamilyMemberInput,
      response: {
        201: ArchiveRecord,
        400: FieldErrorResponse,
        ...refusals(401, 403, 404),
      },
    }),
    async (request, reply) => {
      const id = await retireeOr404(callerScope(request), request.params.id);
      const { name, relation, phone } = request.body;
      if (!/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/.test(phone.trim())) {
        const message = '联系电话格式不正确：手机号为1开头的11位数字，座机如 028-12345678';
        return reply.code(400).send({ error: 'bad_request', message, fields: [{ field: 'phone', message }] });
      }
      await records.addFamilyMember(
        id,
        {
          name: name.trim(),
          relation: relation.trim(),
          phone: phone.trim(),
          livesWith: request.body.livesWith ?? false,
        },
        request.user!.id,
      );
      return reply.code(201).send((await records.byId(id))!);
    },
  );

  app.post(
    '/api/archive/retirees/:id/attachments',
    {
      ...route('archive.write', {
        retiree: 'path',
        summary: `Add an attachment: the raw file as the body (${ATTACHMENT_TYPES.join(', ')}), its name in ?name=`,
        params: IdParams,
        querystring: UploadQuery,
        response: { 201: Attachment, ...readErrors, 413: ErrorResponse, 415: ErrorResponse },
      }),
      bodyLimit: maxBytes,
    },
    async (request, reply) => {
      const id = await retireeOr404(callerScope(request), request.params.id);
      const body = request.body as Buffer;
      const actual = acceptUpload(
        body,
        request.headers['content-type'],
        ATTACHMENT_TYPES,
        'JPEG、PNG、PDF、MP3、M4A、WAV、OGG',
      );
      const added = await attachments.add(id, uploadName(request.query.name), actual, body, request.user!.id);
      return reply.code(201).send(added);
    },
  );

  archiveRecords.on(
    'attachments',
    {
      summary: 'The attachments of a record (without withdrawn ones unless asked)',
      method: 'get',
      query: Type.Object({ includeWithdrawn: Type.Optional(Type.Boolean({ default: false })) }),
      answer: Type.Array(Attachment),
    },
    async (rawId, query, caller) => {
      const id = await retireeOr404(caller.scope, rawId);
      return attachments.list(id, query.includeWithdrawn ?? false);
    },
  );

  app.get(
    '/api/archive/retirees/:id/attachments/:attachmentId',
    route('archive.read', {
      retiree: 'path',
      summary: 'Download an attachment; `reason` is required and the reading is logged (6.1.2.8)',
      params: AttachmentParams,
      querystring: Type.Object({ reason: Type.Optional(ReasonQuery.properties.reason) }),
      response: { 200: FileAnswer, ...readErrors },
    }),
    async (request, reply) => {
      const id = await retireeOr404(callerScope(request), request.params.id);
      const attachmentId = uuidOr404(request.params.attachmentId, 'attachment');
      const reason = requireReason(request.query.reason);
      const attachment = await attachments.byId(id, attachmentId);
      if (!attachment) throw notFound('attachment');
      const body = await attachments.read(attachment);
      await archiveAccess.record({
        userId: request.user!.id,
        retireeId: id,
        attachmentId,
        action: 'attachment',
        reason,
      });
      reply.header('x-attachment-withdrawn', attachment.withdrawnAt ? 'true' : 'false');
      return sendFile(reply, attachment, body);
    },
  );

  app.post(
    '/api/archive/retirees/:id/attachments/:attachmentId/withdraw',
    route('archive.write', {
      retiree: 'path',
      summary: 'Withdraw an attachment (it is kept, never deleted)',
      params: AttachmentParams,
      body: WithdrawBody,
      response: { 200: Attachment, ...readErrors, 409: ErrorResponse },
    }),
    async (request) => {
      const id = await retireeOr404(callerScope(request), request.params.id);
      const attachment = await attachments.byId(id, uuidOr404(request.params.attachmentId, 'attachment'));
      if (!attachment) throw notFound('attachment');
      if (!(await attachments.withdraw(attachment, request.body.reason.trim(), request.user!.id))) {
        throw new HubError(409, 'conflict', '该附件已撤回');
      }
      return (await attachments.byId(id, attachment.id))!;
    },
  );

  const accessFilter = (query: AccessLogExportQuery) => ({
    retireeId: query.retireeId ? uuidOr404(query.retireeId, 'retiree') : undefined,
    userId: query.userId ? uuidOr404(query.userId, 'user') : undefined,
    action: query.action,
    from: query.from,
    to: query.to,
  });

  app.get(
    '/api/archive/access-log',
    route('archive.accessLog', {
      summary: 'The archive access log (6.1.2.8): who consulted which record, when and why',
      querystring: AccessLogQuery,
      response: { 200: AccessLog, ...readErrors },
    }),
    async (request) =>
      archiveAccess.list(accessFilter(request.query), request.query.limit ?? 100, request.query.offset ?? 0),
  );

  app.get(
    '/api/archive/access-log.xlsx',
    route('archive.accessLog', {
      summary:
        'The archive access log as an Excel workbook, with the same filters, newest first; refused when it holds more entries than one workbook takes',
      querystring: AccessLogExportQuery,
      produces: [XLSX_TYPE],
      response: { 200: workbookResponse, ...readErrors },
    }),
    async (request, reply) => {
      // A record of who read what is exported whole or not at all (counted before any row is read).
      const found = await archiveAccess.list(accessFilter(request.query), MAX_LIST_EXPORT_ROWS, 0, {
        whole: true,
      });
      if (found.total > MAX_LIST_EXPORT_ROWS) {
        throw badRequest(
          `符合条件的查阅记录共 ${found.total} 条，超过单次导出上限 ${MAX_LIST_EXPORT_ROWS} 条，请缩小时间范围或按人员筛选`,
        );
      }
      return sendWorkbook(
        reply,
        await listWorkbook('档案查阅记录', accessLogColumns, found.items),
        'archive-access-log',
        '档案查阅记录',
      );
    },
  );

  app.get(
    '/api/archive/import/template',
    route('archive.import', {
      summary: 'The empty import template (.xlsx) with Chinese headers and a sheet of instructions',
      produces: [XLSX_TYPE],
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...readErrors },
    }),
    async (_request, reply) => {
      return sendWorkbook(reply, await importTemplate(), 'archive-template', '军休干部档案导入模板');
    },
  );

  app.post(
    '/api/archive/import',
    {
      ...route('archive.import', {
        summary:
          'Import retirees from the template (.xlsx body): all rows or none, with a per-row error report',
        response: {
          201: ImportResult,
          ...readErrors,
          ...refusals(413, 415),
          422: ImportErrors,
        },
      }),
      bodyLimit: MAX_IMPORT_BYTES,
    },
    async (request, reply) => {
      const body = request.body as unknown;
      if (!Buffer.isBuffer(body))
        throw new HubError(415, 'unsupported_media_type', `请以 ${XLSX_TYPE} 上传 .xlsx 文件`);
      if (body.length === 0) throw badRequest('请上传 .xlsx 文件');
      const { records: rows, errors: rowErrors } = await readImport(
        body,
        records.today(),
        (ids) => records.idCardsTaken(ids),
        callerScope(request).station,
      );
      if (rowErrors.length) {
        const badRows = new Set(rowErrors.map((error) => error.row)).size;
        return reply.code(422).send({
          error: 'invalid_rows',
          message: `有${badRows}行数据有误，未导入任何记录；请按错误清单修改后重新导入`,
          errors: rowErrors,
        });
      }
      try {
        const ids = await records.createMany(rows, request.user!.id, 'import', async (tx, id, record) => {
          // 孤老 (living alone) and long bedridden have a monthly focus visit from the start (6.8.2.3).
          if (record.livingSituation === 'alone' || record.bedridden)
            await visits.syncFocusVisit(tx, id, null);
        });
        return reply.code(201).send({ imported: ids.length, ids });
      } catch (error) {
        if (error instanceof FieldErrors) throw new HubError(409, 'conflict', error.message);
        if ((error as { code?: string }).code === '23505') {
          throw new HubError(409, 'conflict', '身份证号已登记在另一位老人的档案中，未导入任何记录');
        }
        throw error;
      }
    },
  );
};
