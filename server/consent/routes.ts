/**
 * Consents per retiree (PIPL; 6.11.2.2): caseworkers, supervisors and admins record a version with
 * its basis; operators on the monitoring desk read. A withdrawal takes effect before the answer:
 * the family accounts it concerns lose the family page and their live socket at once.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { noteAudit } from '../audit/hook.ts';
import type { AreaOptions } from '../context.ts';
import { readErrors } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { IdParams } from '../schemas/common.ts';
import { ConsentInput, ConsentOverview, ConsentVersion } from '../schemas/consents.ts';
import { retireeOr404 } from '../store/checks.ts';
import { assertInScope, scopeOf } from '../store/scope.ts';

const route = routeOptions('consents');

export const consentRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { consents } = app;

  /** The retiree's id, 404 when unknown or outside a station caseworker's scope. */
  async function retiree(user: Parameters<typeof scopeOf>[0], id: string): Promise<string> {
    const found = await retireeOr404(hub.db, id);
    await assertInScope(hub.db, scopeOf(user), found.id);
    return found.id;
  }

  app.get(
    '/api/retirees/:id/consents',
    route('consents.read', {
      retiree: 'path',
      summary:
        "The retiree's consents in force (health-data processing; sharing with each family account) and every version",
      params: IdParams,
      response: { 200: ConsentOverview, ...readErrors },
    }),
    async (request) => {
      return consents.overview(await retiree(request.user!, request.params.id));
    },
  );

  app.post(
    '/api/retirees/:id/consents',
    route('consents.write', {
      retiree: 'path',
      summary:
        'Record a consent given or withdrawn, with its basis; a withdrawn family sharing ends that account’s access at once',
      params: IdParams,
      body: ConsentInput,
      response: { 201: ConsentVersion, ...readErrors },
    }),
    async (request, reply) => {
      const retireeId = await retiree(request.user!, request.params.id);
      const { version, cutOff } = await consents.record(retireeId, request.body, request.user!);
      app.families.cutOff(retireeId, cutOff);
      noteAudit(request, {
        retireeId,
        detail: {
          kind: version.kind,
          state: version.state,
          version: version.version,
          familyUserId: version.familyUserId,
        },
      });
      return reply.code(201).send(version);
    },
  );
};
