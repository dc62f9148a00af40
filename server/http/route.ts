/**
 * A route's options in one call: the action of the access table it needs and its OpenAPI
 * description, under its area's tags.
 *
 *   const route = routeOptions('visits');
 *   app.post('/api/visits/records', route('visits.write', { retiree: 'body', summary: '…', body: …, response: … }), handler);
 *
 * `retiree` and `retireeParam` go to the route's `config` for the guard (server/access/guard.ts);
 * the rest is the route's `schema`, which fastify validates and which types the handler.
 */
import type { FastifySchema } from 'fastify';
import type { AccessDeclaration, RetireeAt } from '../access/guard.ts';
import type { Access } from '../access/policy.ts';

/** What a route describes besides its tags: its schema, and where it names a retiree. */
export interface RouteDescription extends Omit<FastifySchema, 'tags'> {
  summary: string;
  /** Where the retiree the route concerns is named (the station and family fences). */
  retiree?: RetireeAt;
  /** The path parameter holding that retiree's id when it is not `id`. */
  retireeParam?: string;
}

export interface RouteOptions<Schema> {
  config: AccessDeclaration;
  schema: Schema & { tags: string[] };
}

/**
 * The route options maker of one area: every route it describes carries these tags, which it also
 * holds (`route.tags`) for the routes a helper declares (an export).
 */
export function routeOptions(...tags: string[]) {
  const options = <Description extends RouteDescription>(
    access: Access,
    { retiree, retireeParam, ...schema }: Description,
  ): RouteOptions<Omit<Description, 'retiree' | 'retireeParam'>> => ({
    config: {
      access,
      ...(retiree === undefined ? {} : { retiree }),
      ...(retireeParam === undefined ? {} : { retireeParam }),
    },
    schema: { ...schema, tags },
  });
  return Object.assign(options, { tags });
}
