/**
 * The routes of one kind of record, declared as a table: a list, its Excel export, a create, one
 * record by id, its update and the steps taken on it (`POST <url>/:id/<step>`). Each declaration
 * names what the route does and the service call that does it; the access action, the `IdParams`,
 * the answer codes and the refusals follow from the kind of route, the same for every area.
 *
 *   const feedback = recordRoutes(app, route, {
 *     url: '/api/evaluation/feedback', record: Feedback, read: 'evaluation.read', write: 'evaluation.write',
 *   });
 *   feedback.export({ summary: 'Complaints and suggestions as an Excel workbook', query: FeedbackQuery },
 *     (query, scope) => service.feedbackList(query, scope), { sheet, columns, file, name });
 *   feedback.one('One complaint or suggestion', (id, caller) => service.feedback(id, caller.scope));
 *   feedback.step('answer', { summary: 'handling → answered', body: FeedbackAnswer },
 *     (id, body, caller) => service.answerFeedback(id, body, caller.id, caller.scope));
 *
 * An area with several kinds that share their access actions (and refusals) declares what they share
 * once with `recordKinds()`:
 *
 *   const kind = recordKinds(app, route, { read: 'activities.read', write: 'activities.write' });
 *   const plans = kind('/api/activities/plans', ActivityPlan);
 *   const events = kind('/api/activities/events', ActivityEvent);
 *
 * A kind whose routes on one record all name their retiree the same way (`:id` is the retiree, or an
 * alert of one) says so once with `retiree`; one whose refusals differ from the usual ones for all
 * its reads or writes says so once with `errors`. A route's own declaration wins over the kind's.
 *
 * Fastify validates every body, query and path against its schema before the call, so the values
 * the calls receive have the schema's type.
 */
import type { Static, TArray, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RetireeAt } from '../access/guard.ts';
import type { Access } from '../access/policy.ts';
import type { User } from '../schemas/auth.ts';
import { IdParams } from '../schemas/common.ts';
import { type Scope, scopeOf } from '../store/scope.ts';
import { exportRoute, readErrors, refusals, userId, type Workbook, writeErrors } from './records.ts';
import type { routeOptions } from './route.ts';

/** The signed-in caller of a record route: who it is and which retirees it may see. */
export interface Caller {
  id: string;
  user: User;
  scope: Scope;
}

export function callerOf(request: FastifyRequest): Caller {
  const id = userId(request);
  const user = request.user!;
  return { id, user, scope: scopeOf(user) };
}

type RouteMaker = ReturnType<typeof routeOptions>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** A route's refusals by status code. */
type Refusals = Record<number, TSchema>;
/** The value of an optional schema: `undefined` where the route has none. */
type ValueOf<S> = S extends TSchema ? Static<S> : undefined;
/** What a route on one record hands its call: the body where it has one, else the query. */
type InputOf<Body, Query> = Body extends TSchema ? Static<Body> : ValueOf<Query>;

export interface RecordKind<One extends TSchema> {
  /** The collection's address; one record is `<url>/:id`. */
  url: string;
  /** One record as the routes answer it. */
  record: One;
  read: Access;
  /** None for a kind that is only read. */
  write?: Access;
  /**
   * Checked before every route on one record, after the access guard: e.g. that the record's
   * retiree is in the caller's station scope.
   */
  guard?: (id: string, caller: Caller) => Promise<void>;
  /**
   * Where every route on one record (`one`, `on`) names its retiree (server/access/guard.ts): `path`
   * when `:id` is the retiree's id, `alert` when it is an alert of one.
   */
  retiree?: RetireeAt;
  /** The refusals of the kind's reads (GET) and of its other routes; `readErrors` and `writeErrors` by default. */
  errors?: { read?: Refusals; write?: Refusals };
}

interface Described {
  summary: string;
  /** The longer text of the OpenAPI document, where the summary does not say it all. */
  description?: string;
  /** The access action; the kind's `read` for GET, its `write` otherwise. */
  access?: Access;
  /** Where the route names its retiree (server/access/guard.ts). */
  retiree?: RetireeAt;
  /** The refusals; the kind's for GET or for the others (`readErrors`, `writeErrors` by default). */
  errors?: Record<number, TSchema>;
}

export interface ListRoute<Query, Answer> extends Described {
  query?: Query;
  /** The answer; an array of the record by default. */
  answer?: Answer;
}

export interface CreateRoute<Body, Answer> extends Described {
  body: Body;
  /** The answer (201); the record by default. */
  answer?: Answer;
}

export interface StepRoute<Body, Query, Answer> extends Described {
  body?: Body;
  query?: Query;
  /** The answer; the record by default. */
  answer?: Answer;
  /** 200 by default; 201 where the step creates a record of its own. */
  code?: 200 | 201;
  /** POST by default. */
  method?: Method;
}

export interface ExportDescribed<Query> {
  summary: string;
  /** The filters, those of the list but for its paging. */
  query?: Query;
  /** The refusals; the kind's for reads (`readErrors` by default). */
  errors?: Refusals;
}

type Run<Answer> = Promise<Answer>;

export function recordRoutes<One extends TSchema>(
  app: FastifyInstance,
  route: RouteMaker,
  kind: RecordKind<One>,
) {
  const collection = kind.url;
  const one = `${kind.url}/:id`;

  function register(
    method: Method,
    url: string,
    described: Described,
    schema: { params?: TSchema; querystring?: TSchema; body?: TSchema },
    answer: TSchema,
    code: 200 | 201 | 204,
    handler: (request: FastifyRequest, caller: Caller) => Promise<unknown>,
  ): void {
    const reading = method === 'get';
    const {
      summary,
      description,
      retiree,
      errors = reading ? (kind.errors?.read ?? readErrors) : (kind.errors?.write ?? writeErrors),
    } = described;
    const defined = Object.fromEntries(Object.entries(schema).filter(([, value]) => value !== undefined));
    app.route({
      method: method.toUpperCase() as Uppercase<Method>,
      url,
      ...route(accessOf(method, url, described), {
        ...(retiree === undefined ? {} : { retiree }),
        summary,
        ...(description === undefined ? {} : { description }),
        ...defined,
        response: { [code]: answer, ...errors },
      }),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const caller = callerOf(request);
        const answered = await handler(request, caller);
        if (code === 204) return reply.code(204).send(null);
        return code === 200 ? answered : reply.code(code).send(answered);
      },
    });
  }

  function accessOf(method: Method, url: string, described: Described): Access {
    const access = described.access ?? (method === 'get' ? kind.read : kind.write);
    if (!access)
      throw new Error(`${method.toUpperCase()} ${url}: a kind that is only read declares no write`);
    return access;
  }

  async function guarded(request: FastifyRequest, caller: Caller): Promise<string> {
    const { id } = request.params as IdParams;
    if (kind.guard) await kind.guard(id, caller);
    return id;
  }

  return {
    /** `GET <url>`: the records, filtered by the query, in the caller's scope. */
    list<Query extends TSchema | undefined = undefined, Answer extends TSchema = TArray<One>>(
      described: ListRoute<Query, Answer>,
      run: (query: ValueOf<Query>, caller: Caller) => Run<Static<Answer>>,
    ): void {
      register(
        'get',
        collection,
        described,
        { querystring: described.query },
        described.answer ?? Type.Array(kind.record),
        200,
        (request, caller) => run(request.query as ValueOf<Query>, caller),
      );
    },

    /** `POST <url>`: a new record (201). */
    create<Body extends TSchema, Answer extends TSchema = One>(
      described: CreateRoute<Body, Answer>,
      run: (body: Static<Body>, caller: Caller) => Run<Static<Answer>>,
    ): void {
      register(
        'post',
        collection,
        described,
        { body: described.body },
        described.answer ?? kind.record,
        201,
        (request, caller) => run(request.body as Static<Body>, caller),
      );
    },

    /**
     * `GET <url>/export.xlsx`: the rows as an Excel workbook with Chinese headers, with the kind's
     * read action and refusals.
     */
    export<Query extends TSchema | undefined = undefined, Row = Static<One>>(
      described: ExportDescribed<Query>,
      rows: (query: ValueOf<Query>, scope: Scope) => Run<readonly Row[]>,
      workbook: Workbook<Row> | ((query: ValueOf<Query>) => Workbook<Row>),
    ): void {
      const { summary, query, errors = kind.errors?.read ?? readErrors } = described;
      exportRoute<TSchema, Row>(app, `${collection}/export.xlsx`, {
        access: kind.read,
        schema: {
          tags: route.tags,
          summary,
          ...(query === undefined ? {} : { querystring: query }),
        },
        errors,
        rows: (given, scope) => rows(given as ValueOf<Query>, scope),
        workbook: typeof workbook === 'function' ? (given) => workbook(given as ValueOf<Query>) : workbook,
      });
    },

    /** `GET <url>/:id`: one record. */
    one(summary: string, run: (id: string, caller: Caller) => Run<Static<One>>): void {
      const described = { summary, retiree: kind.retiree };
      register('get', one, described, { params: IdParams }, kind.record, 200, async (request, caller) =>
        run(await guarded(request, caller), caller),
      );
    },

    /**
     * `DELETE <url>/:id`: takes out a record entered by mistake (204), after the kind's guard, with
     * the kind's write action; the audit log keeps the request.
     */
    remove(summary: string, run: (id: string, caller: Caller) => Promise<void>): void {
      const described = { summary, retiree: kind.retiree, errors: refusals(401, 403, 404) };
      register('delete', one, described, { params: IdParams }, Type.Null(), 204, async (request, caller) =>
        run(await guarded(request, caller), caller),
      );
    },

    /**
     * A route on one record: `POST <url>/:id/<path>` (a step, with its body), `GET <url>/:id/<path>`
     * (something of the record), or with `path` empty the record itself (`PATCH <url>/:id`).
     */
    on<
      Body extends TSchema | undefined = undefined,
      Query extends TSchema | undefined = undefined,
      Answer extends TSchema = One,
    >(
      path: string,
      described: StepRoute<Body, Query, Answer>,
      run: (id: string, input: InputOf<Body, Query>, caller: Caller) => Run<Static<Answer>>,
    ): void {
      const method = described.method ?? 'post';
      register(
        method,
        path === '' ? one : `${one}/${path}`,
        { ...described, retiree: described.retiree ?? kind.retiree },
        { params: IdParams, querystring: described.query, body: described.body },
        described.answer ?? kind.record,
        described.code ?? 200,
        async (request, caller) => {
          const id = await guarded(request, caller);
          const input = described.body === undefined ? request.query : request.body;
          return run(id, input as InputOf<Body, Query>, caller);
        },
      );
    },
  };
}

/** What the kinds of one area share: everything but their address and record. */
export type SharedKind = Omit<RecordKind<TSchema>, 'url' | 'record'>;

/**
 * The kinds of one area that share their access actions, refusals, retiree or guard: each is then
 * `kind(url, record)`, or `kind(url, record, { write: … })` where one differs.
 */
export function recordKinds(app: FastifyInstance, route: RouteMaker, shared: SharedKind) {
  return <One extends TSchema>(url: string, record: One, own: Partial<SharedKind> = {}) =>
    recordRoutes(app, route, { ...shared, ...own, url, record });
}
