import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { HubError, notFound } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { LocationStore } from '../location/store.ts';
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
      if (!font) {
        throw new HubError(
          503,
          'font_missing',
          'no Chinese font to print with: install fonts-noto-cjk or set HUB_CARD_FONT to a .ttf/.otf/.ttc file',
        );
      }
      const location = await new LocationStore(hub.db).latest(card.retireeId);
      const pdf = await renderCardPdf(card, font, new Date(), location);
      const filename = encodeURIComponent(`应急救助卡-${card.name}.pdf`);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="rescue-card.pdf"; filename*=UTF-8''${filename}`)
        .send(pdf);
    },
  );
};
