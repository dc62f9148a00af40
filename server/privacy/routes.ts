/**
 * A person's data (PIPL art. 45, 47; 6.11.2.2): the export of everything held about one retiree,
 * their deletion on a recorded decision with a receipt, and the retention job run on demand.
 * Export: admins and supervisors, with a stated reason as the archive asks; deletion and retention:
 * admins only.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AreaOptions } from '../context.ts';
import { badRequest } from '../errors.ts';
import { readErrors, refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { FieldErrorResponse } from '../schemas/archive.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import {
  DeletionBody,
  DeletionReceipt,
  PrivacyExportQuery,
  ReceiptList,
  RetentionReport,
} from '../schemas/privacy.ts';
import type { Actor } from './ports.ts';

const route = routeOptions('privacy');

function actorOf(request: FastifyRequest): Actor {
  const user = request.user!;
  return { id: user.id, name: user.displayName, role: user.role, ip: request.ip };
}

/** Each field of a decision is checked with its own message; nothing changes when one is wrong. */
function decisionOf(body: DeletionBody): {
  decision?: { decisionRef: string; decidedBy: string; reason: string };
  fields: { field: string; message: string }[];
} {
  const fields: { field: string; message: string }[] = [];
  const text = (field: keyof DeletionBody, label: string, min: number, max: number) => {
    const value = body[field]?.trim() ?? '';
    if (value.length < min) fields.push({ field, message: `请填写${label}（至少${min}个字）` });
    else if (value.length > max) fields.push({ field, message: `${label}不能超过${max}个字` });
    return value;
  };
  const decisionRef = text('decisionRef', '决定文号', 1, 100);
  const decidedBy = text('decidedBy', '作出决定的机构或负责人', 1, 100);
  const reason = text('reason', '删除原因', 2, 500);
  return fields.length > 0 ? { fields } : { decision: { decisionRef, decidedBy, reason }, fields };
}

export const privacyRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  app.get(
    '/api/privacy/retirees/:id/export',
    route('privacy.export', {
      retiree: 'path',
      summary:
        'Everything held about one retiree as a ZIP (records, telemetry, attachments, audit entries); `reason` is required',
      params: IdParams,
      querystring: PrivacyExportQuery,
      produces: ['application/zip'],
      response: {
        200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The ZIP file' }),
        ...readErrors,
        503: ErrorResponse,
      },
    }),
    async (request, reply) => {
      const id = uuidOr404(request.params.id, 'retiree');
      const reason = request.query.reason?.trim() ?? '';
      if (reason.length < 2) {
        throw badRequest('导出个人数据须说明事由：请在 reason 参数中填写原因（至少2个字）');
      }
      const result = await app.privacy.export(id, reason, actorOf(request));
      request.log.info({ retireeId: id, by: request.user!.id, ...result.summary }, 'personal data exported');
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${result.fileName}"`)
        .header('cache-control', 'no-store')
        .send(result.file);
    },
  );

  app.post(
    '/api/privacy/retirees/:id/deletion',
    route('privacy.delete', {
      retiree: 'path',
      summary:
        'Delete a retiree’s data on a recorded decision, across the records, telemetry, attachments and retained MQTT messages; answers the receipt',
      params: IdParams,
      body: DeletionBody,
      response: {
        200: DeletionReceipt,
        400: FieldErrorResponse,
        ...refusals(401, 403, 404, 409, 503),
      },
    }),
    async (request, reply) => {
      const id = uuidOr404(request.params.id, 'retiree');
      const { decision, fields } = decisionOf(request.body ?? {});
      if (!decision) {
        return reply.code(400).send({
          error: 'bad_request',
          message: fields.map((item) => `${item.field}: ${item.message}`).join('；'),
          fields,
        });
      }
      const receipt = await app.privacy.delete(id, decision, actorOf(request));
      request.log.warn(
        { retireeId: id, by: request.user!.id, receiptId: receipt.id, decisionRef: decision.decisionRef },
        'personal data deleted on a decision',
      );
      return receipt;
    },
  );

  app.get(
    '/api/privacy/receipts',
    route('privacy.receipts', {
      summary: 'Receipts of deletions and retention runs, newest first',
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
      }),
      response: { 200: ReceiptList, 401: ErrorResponse, 403: ErrorResponse },
    }),
    async (request) => {
      return { items: await app.privacy.receipts(request.query.limit ?? 50) };
    },
  );

  app.post(
    '/api/privacy/retention/run',
    route('privacy.retention', {
      summary: 'Apply the retention limits now (telemetry and closed records); answers what was deleted',
      response: { 200: RetentionReport, 401: ErrorResponse, 403: ErrorResponse, 503: ErrorResponse },
    }),
    async () => {
      return app.privacy.runRetention();
    },
  );
};
