/**
 * Acknowledging or resolving many alerts with one note (an outage night, a storm of test presses):
 * `POST /api/alerts/bulk`. Each alert goes through the same workflow transition as a single
 * acknowledge or resolve (the same status checks, the same steps, the device hears `ack`), one
 * after another, and what became of each id is answered per id: an alert already acknowledged or
 * resolved is `skipped`, not an error for the others.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import promClient from 'prom-client';
import type { AreaOptions } from '../context.ts';
import { badRequest, HubError, unauthorized } from '../errors.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { isUuid } from '../ids.ts';
import type { Alert } from '../schemas/alerts.ts';
import {
  AlertBulkAnswer,
  AlertBulkBody,
  type AlertBulkItem,
  type BulkResultKind,
} from '../schemas/alerts-bulk.ts';
import { assertAlertInScope, scopeOf } from '../store/scope.ts';

const route = routeOptions('alerts');

/** What each HTTP refusal of a single call becomes in a bulk answer. */
const RESULT_OF: Readonly<Record<number, BulkResultKind>> = {
  404: 'not_found',
  409: 'skipped',
  403: 'refused',
};

export const alertBulkRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const outcomes = new promClient.Counter({
    name: 'hub_alert_bulk_items_total',
    help: 'Alerts named in bulk acknowledge and resolve calls, by action and what became of each',
    labelNames: ['action', 'result'],
    registers: [hub.registry],
  });

  app.post(
    '/api/alerts/bulk',
    route('alerts.handle', {
      summary: 'Acknowledge or resolve many alerts with one note; what became of each is answered per id',
      description:
        '`ack`: each open alert is acknowledged (its device hears `ack`); a `note` is added to each as a comment. `resolve`: each active alert is resolved with `outcome` and `note` (both required). An alert in a status that does not allow the action is `skipped`; the others go on.',
      body: AlertBulkBody,
      response: { 200: AlertBulkAnswer, ...refusals(400, 401, 403) },
    }),
    async (request) => {
      const user = request.user;
      if (!user) throw unauthorized();
      const { action, note, outcome } = request.body;
      if (action === 'resolve' && (!outcome || !note?.trim())) {
        throw badRequest('resolve needs an outcome and a note');
      }
      const scope = scopeOf(user);
      const results: AlertBulkItem[] = [];
      for (const id of new Set(request.body.ids)) {
        const item = await (async (): Promise<AlertBulkItem> => {
          // An id that names no alert, or one of another station for its caseworker: as if absent.
          if (!isUuid(id)) return { id, result: 'not_found', message: 'alert not found' };
          try {
            await assertAlertInScope(hub.db, scope, id);
            let alert: Alert;
            if (action === 'ack') {
              alert = await app.workflow.acknowledge(id, user);
              if (note?.trim()) alert = await app.workflow.comment(id, user, note.trim());
            } else {
              alert = await app.workflow.resolve(id, user, outcome!, note!.trim());
            }
            return { id, result: 'done', alert };
          } catch (error) {
            const result = error instanceof HubError ? RESULT_OF[error.statusCode] : undefined;
            if (!result) {
              request.log.error({ err: error, alertId: id }, 'bulk alert action failed');
              return { id, result: 'failed', message: 'not stored' };
            }
            const alert = result === 'skipped' ? await app.alerts.byId(id) : null;
            return { id, result, message: (error as Error).message, ...(alert ? { alert } : {}) };
          }
        })();
        outcomes.inc({ action, result: item.result });
        results.push(item);
      }
      const count = (kinds: BulkResultKind[]) => results.filter((item) => kinds.includes(item.result)).length;
      return {
        action,
        done: count(['done']),
        skipped: count(['skipped']),
        failed: count(['not_found', 'refused', 'failed']),
        results,
      };
    },
  );
};
