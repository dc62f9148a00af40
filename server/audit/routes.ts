/** The audit log for admins (PIPL; 6.11.2.2): entries, filtered and paged, and the chain check. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AreaOptions } from '../context.ts';
import { routeOptions } from '../http/route.ts';
import { AuditPage, AuditQuery, AuditVerifyResult } from '../schemas/audit.ts';
import { ErrorResponse } from '../schemas/common.ts';

const route = routeOptions('audit');

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

export const auditRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const audit = app.auditLog;
  app.get(
    '/api/audit',
    route('audit.read', {
      summary:
        'Audit entries, newest first: sign-ins, refusals, reads and changes of health records, consents (admins)',
      querystring: AuditQuery,
      response: { 200: AuditPage, ...errors },
    }),
    async (request) => {
      return audit.recent(request.query);
    },
  );

  app.get(
    '/api/audit/verify',
    route('audit.read', {
      summary: 'Walks the hash chain; reports the rows checked and the first broken link (admins)',
      response: { 200: AuditVerifyResult, ...errors },
    }),
    async () => {
      return audit.verify();
    },
  );
};
