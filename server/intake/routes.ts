import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyRequest } from 'fastify';
import { ATTACHMENT_TYPES, type AttachmentType, mediaType, sniffType } from '../archive/attachments.ts';
import { FieldErrors } from '../archive/store.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, conflict, HubError, unauthorized } from '../errors.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { acceptRawBodies, uploadName } from '../http/files.ts';
import { exportRoute, refusals } from '../http/records.ts';
import { recordKinds } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { sendPdf } from '../print/document.ts';
import { fontOr503 } from '../print/font.ts';
import type { CardFont } from '../rescue/pdf.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import {
  AgreementInput,
  IntakeCase,
  IntakeCaseInput,
  IntakeCaseList,
  IntakeCaseQuery,
  IntakeCaseUpdate,
  IntakeCompleteInput,
  IntakeFieldError,
  IntakeStepUpdate,
  MeetingInput,
  UploadName,
} from '../schemas/intake.ts';
import { scopeOf } from '../store/scope.ts';
import { intakeColumns } from './export.ts';
import { renderAgreementPdf } from './pdf.ts';
import { IncompleteCase } from './service.ts';
import { type SchemaIssue, schemaFieldErrors } from './validation.ts';

const route = routeOptions('intake');

const errors = { 400: IntakeFieldError, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const writeErrors = { ...errors, 409: IntakeFieldError };

export interface IntakeOptions extends AreaOptions {
  /** The CJK font for the printed agreement; null: the PDF answers 503. */
  font: CardFont | null;
}

export const intakeRoutes: FastifyPluginAsyncTypebox<IntakeOptions> = async (app, options) => {
  const { hub, font } = options;
  const clock = () => new Date();
  const { intake } = app;
  const maxBytes = hub.maxAttachmentBytes;

  const userId = (request: FastifyRequest) => {
    if (!request.user) throw unauthorized();
    return request.user.id;
  };
  const scope = (request: FastifyRequest) => scopeOf(request.user!);

  // Per-field problems and the list of what blocks completion, in this plugin's answers only.
  app.setErrorHandler((error: FastifyError | Error, _request, reply) => {
    if ('validation' in error && error.validation) {
      const fields = schemaFieldErrors(error.validation as SchemaIssue[]);
      const message = fields.map((f) => `${f.field}: ${f.message}`).join('；');
      return reply.code(400).send({ error: 'bad_request', message, fields });
    }
    if (error instanceof FieldErrors)
      return reply.code(400).send({ error: 'bad_request', message: error.message, fields: error.errors });
    if (error instanceof IncompleteCase)
      return reply.code(409).send({ error: error.code, message: error.message, missing: error.missing });
    throw error;
  });

  acceptRawBodies(
    app,
    [...ATTACHMENT_TYPES, 'audio/mp3', 'audio/x-wav', 'audio/wave', 'audio/x-m4a'],
    maxBytes,
  );

  const kind = recordKinds(app, route, {
    read: 'intake.read',
    write: 'intake.write',
    errors: { read: errors, write: writeErrors },
  });

  const caseRecords = kind('/api/intake/cases', IntakeCase);
  caseRecords.list(
    {
      summary: 'Intake cases (接收安置), open first, latest received first; filters and paging',
      query: IntakeCaseQuery,
      answer: IntakeCaseList,
    },
    (query, caller) => intake.list(query, caller.scope),
  );

  exportRoute(app, '/api/intake/cases.xlsx', {
    access: 'intake.read',
    schema: {
      summary: 'The intake case list as an Excel workbook (same filters)',
      querystring: Type.Omit(IntakeCaseQuery, ['limit', 'offset']),
      tags: route.tags,
    },
    errors,
    rows: (query, scope) => intake.exportRows(query, scope, MAX_LIST_EXPORT_ROWS),
    workbook: { sheet: '接收安置', columns: intakeColumns, file: 'intake', name: '接收安置' },
  });

  caseRecords.create(
    {
      summary: 'Open an intake case with the checklist of 6.1.1 a)–e); 409 while the retiree has an open one',
      body: IntakeCaseInput,
    },
    (body, caller) => intake.open(body, caller.id, caller.scope),
  );
  caseRecords.one('One intake case: checklist, meeting, agreement, history', (id, caller) =>
    intake.get(id, caller.scope),
  );
  caseRecords.on(
    '',
    {
      summary: 'Change sending unit, placement, pension level, owner or note; 409 once complete',
      body: IntakeCaseUpdate,
      method: 'patch',
    },
    (id, body, caller) => intake.update(id, body, caller.id, caller.scope),
  );

  // A step answers with its whole case.
  const stepRecords = kind('/api/intake/steps', IntakeCase);
  stepRecords.on(
    '',
    {
      summary:
        'Tick a step done (doneOn not in the future), mark an optional one not applicable (note required), reopen it, move its due date or write its note',
      body: IntakeStepUpdate,
      method: 'patch',
    },
    (id, body, caller) => intake.updateStep(id, body, caller.id, caller.scope),
  );

  app.post(
    '/api/intake/steps/:id/attachments',
    {
      ...route('intake.write', {
        summary: `Attach a file to a step (an archive attachment): the raw file as the body (${ATTACHMENT_TYPES.join(', ')}), its name in ?name=; read it through the archive`,
        params: IdParams,
        querystring: UploadName,
        response: { 201: IntakeCase, ...writeErrors, 413: ErrorResponse, 415: ErrorResponse },
      }),
      bodyLimit: maxBytes,
    },
    async (request, reply) => {
      const body = request.body as unknown;
      if (!Buffer.isBuffer(body))
        throw new HubError(415, 'unsupported_media_type', `不接受的附件类型：${ATTACHMENT_TYPES.join('、')}`);
      if (body.length === 0) throw badRequest('附件为空');
      // The archive's rule: the bytes decide the type, and must agree with the type declared.
      const declared = mediaType(request.headers['content-type']);
      const actual = sniffType(body);
      if (!actual)
        throw new HubError(
          415,
          'unsupported_media_type',
          '文件内容不是可接受的类型（JPEG、PNG、PDF、MP3、M4A、WAV）',
        );
      if (actual !== declared)
        throw new HubError(
          415,
          'unsupported_media_type',
          `文件内容为 ${actual}，与声明的类型 ${declared} 不符`,
        );
      const name = uploadName(request.query.name);
      const updated = await intake.attach(
        request.params.id,
        { name, type: actual as AttachmentType, bytes: body },
        userId(request),
        scope(request),
      );
      return reply.code(201).send(updated);
    },
  );

  caseRecords.on(
    'meeting',
    {
      summary:
        'Record the three-party meeting (6.1.2.4): date, place, the three parties and attendees; ticks its step',
      body: MeetingInput,
      method: 'put',
    },
    (id, body, caller) => intake.saveMeeting(id, body, caller.id, caller.scope),
  );
  caseRecords.on(
    'agreement',
    {
      summary:
        'Record the three-party agreement: who bears medical costs until the social-security card is issued and until when (6.1.2.6), other terms, signatories and signed date; once signed it no longer changes (409)',
      body: AgreementInput,
      method: 'put',
    },
    (id, body, caller) => intake.saveAgreement(id, body, caller.id, caller.scope),
  );

  app.get(
    '/api/intake/cases/:id/agreement.pdf',
    route('intake.read', {
      summary: 'The three-party agreement as a printable A4 PDF; 409 before one is recorded',
      params: IdParams,
      produces: ['application/pdf'],
      response: {
        200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }),
        ...errors,
        ...refusals(409, 503),
      },
    }),
    async (request, reply) => {
      const found = await intake.get(request.params.id, scope(request));
      if (!found.agreement) throw conflict('尚未登记“三方”协议，无法打印');
      const pdf = await renderAgreementPdf(found, fontOr503(font), clock());
      return sendPdf(reply, pdf, 'agreement.pdf', `三方移交安置协议书-${found.retireeName}`);
    },
  );

  caseRecords.on(
    'complete',
    {
      summary:
        'Complete the case when every required step is done and none is open (409 with `missing`); marks the archive record as entered (6.1.2.8)',
      body: Type.Optional(IntakeCompleteInput),
    },
    (id, body, caller) => intake.complete(id, body ?? {}, caller.id, caller.scope),
  );
};
