/**
 * What the routes of the service-record areas share: the refusals they answer with, the signed-in
 * caller, and a list with its Excel twin (`GET <url>` and `GET <url>/export.xlsx`, the same filters,
 * in the caller's scope).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Access } from '../access/policy.ts';
import { unauthorized } from '../errors.ts';
import {
  type ListColumn,
  listWorkbook,
  MAX_LIST_EXPORT_ROWS,
  sendWorkbook,
  workbookResponse,
  XLSX_MEDIA_TYPE,
} from '../export/workbook.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { type Scope, scopeOf } from '../store/scope.ts';

/** A route's refusals with these status codes, each answered with `{ error }`. */
export function refusals<const Codes extends readonly number[]>(
  ...codes: Codes
): { [Code in Codes[number]]: typeof ErrorResponse } {
  return Object.fromEntries(codes.map((code) => [code, ErrorResponse])) as {
    [Code in Codes[number]]: typeof ErrorResponse;
  };
}

/** The refusals of a route that reads or names one record. */
export const readErrors = refusals(400, 401, 403, 404);
/** …and of one that changes it, which may conflict with its state (409). */
export const writeErrors = refusals(400, 401, 403, 404, 409);

/** The signed-in caller's id (the guard has signed in the caller of every declared route). */
export function userId(request: { user: { id: string } | null }): string {
  if (!request.user) throw unauthorized();
  return request.user.id;
}

/** The caller's scope: a station's caseworker sees that station's retirees only. */
export function callerScope(request: FastifyRequest): Scope {
  return scopeOf(request.user!);
}

export interface Workbook<Row> {
  /** The sheet's name. */
  sheet: string;
  columns: readonly ListColumn<Row>[];
  /** The file's ASCII name and its Chinese name (RFC 6266 `filename*`). */
  file: string;
  name: string;
}

export interface ExportRoute<Query extends TSchema, Row> {
  access: Access;
  /** The route's description but for its answers (a workbook, or one of `errors`); it produces `.xlsx`. */
  schema: { tags: string[]; summary: string; querystring?: Query };
  /** `readErrors` by default. */
  errors?: Record<number, TSchema>;
  /** The rows of the sheet, in the caller's scope. */
  rows: (query: Static<Query>, scope: Scope) => Promise<readonly Row[]>;
  /** The sheet and file names, fixed or read from the query (a year's plan). */
  workbook: Workbook<Row> | ((query: Static<Query>) => Workbook<Row>);
}

/** Registers `GET url`: rows as an Excel workbook with Chinese headers. */
export function exportRoute<Query extends TSchema, Row>(
  app: FastifyInstance,
  url: string,
  { access, schema, errors = readErrors, rows, workbook }: ExportRoute<Query, Row>,
): void {
  app.get(
    url,
    {
      config: { access },
      schema: { ...schema, produces: [XLSX_MEDIA_TYPE], response: { 200: workbookResponse, ...errors } },
    },
    async (request, reply) => {
      const query = request.query as Static<Query>;
      const sheet = await rows(query, callerScope(request));
      const {
        sheet: title,
        columns,
        file,
        name,
      } = typeof workbook === 'function' ? workbook(query) : workbook;
      return sendWorkbook(reply, await listWorkbook(title, columns, sheet), file, name);
    },
  );
}

export interface ListWithExport<Query extends TSchema, Listed, Row> {
  url: string;
  access: Access;
  tags: string[];
  summary: string;
  querystring: Query;
  /** The list's answer (200). */
  answer: TSchema;
  exportSummary: string;
  /** The export's filters; the list's by default. */
  exportQuerystring?: TSchema;
  /** The refusals of both; `readErrors` by default. */
  errors?: Record<number, TSchema>;
  list: (query: Static<Query>, scope: Scope) => Promise<Listed>;
  /** What the export writes: by default the list with `limit` at MAX_LIST_EXPORT_ROWS. */
  exportRows?: (query: Static<Query>, scope: Scope) => Promise<readonly Row[]>;
  workbook: Workbook<Row>;
}

/** Registers `GET url` and `GET url/export.xlsx`. */
export function listWithExport<Query extends TSchema, Listed, Row>(
  app: FastifyInstance,
  spec: ListWithExport<Query, Listed, Row>,
): void {
  const { tags, access, errors = readErrors } = spec;
  app.get(
    spec.url,
    {
      config: { access },
      schema: {
        tags,
        summary: spec.summary,
        querystring: spec.querystring,
        response: { 200: spec.answer, ...errors },
      },
    },
    async (request) => spec.list(request.query as Static<Query>, callerScope(request)),
  );
  exportRoute(app, `${spec.url}/export.xlsx`, {
    access,
    schema: {
      tags,
      summary: spec.exportSummary,
      querystring: (spec.exportQuerystring ?? spec.querystring) as Query,
    },
    errors,
    rows:
      spec.exportRows ??
      (async (query, scope) =>
        (await spec.list(
          { ...(query as object), limit: MAX_LIST_EXPORT_ROWS } as Static<Query>,
          scope,
        )) as readonly Row[]),
    workbook: spec.workbook,
  });
}
