import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { notFound } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { LocationStore } from '../location/store.ts';
import { sendPdf } from '../print/document.ts';
import { fontOr503 } from '../print/font.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import { RescueCard } from '../schemas/rescue.ts';
import { assertInScope, type Scope, scopeOf } from '../store/scope.ts';
import { currentRescueCard } from './card.ts';
import { type CardFont, renderCardPdf } from './pdf.ts';

const route = routeOptions('retirees');

export const rescueRoutes: FastifyPluginAsyncTypebox<AreaOptions & { font: CardFont | null }> = async (
  app,
  { hub, font },
) => {
  /** A station's caseworker gets 404 for another station's retiree, as if it did not exist. */
  async function cardOf(id: string, scope: Scope) {
    const retiree = await app.retirees.byId(uuidOr404(id, 'retiree'));
    if (!retiree) throw notFound('retiree');
    await assertInScope(hub.db, scope, retiree.id);
    return currentRescueCard(hub.db, retiree, hub.centre);
  }

  app.get(
    '/api/retirees/:id/rescue-card',
    route('retirees.read', {
      retiree: 'path',
      summary: 'The Emergency Rescue Card (应急救助卡, 6.5.2.6)',
      params: IdParams,
      response: { 200: RescueCard, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    }),
    async (request) => {
      return cardOf(request.params.id, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/retirees/:id/rescue-card.pdf',
    route('retirees.read', {
      retiree: 'path',
      summary: 'The Emergency Rescue Card as a printable A6 PDF',
      params: IdParams,
      produces: ['application/pdf'],
      response: {
        200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }),
        ...refusals(401, 403, 404, 503),
      },
    }),
    async (request, reply) => {
      const card = await cardOf(request.params.id, scopeOf(request.user!));
      const print = fontOr503(font);
      const location = await new LocationStore(hub.db).latest(card.retireeId);
      const pdf = await renderCardPdf(card, print, new Date(), location);
      return sendPdf(reply, pdf, 'rescue-card.pdf', `应急救助卡-${card.name}`);
    },
  );
};
