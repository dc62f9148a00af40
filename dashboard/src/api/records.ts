/**
 * The calls of one kind of record, the dashboard's side of the server's `recordRoutes()`
 * (server/http/resource.ts): the kind's address gives its list (GET), its create (POST) and the Excel
 * of its list (GET `<address>/export.xlsx`, saved under the server's name or `fileName`), each typed
 * from the hub's OpenAPI paths like the one-line calls they are made of.
 */
import { call, type PathWith } from './client.ts';
import { download, type FilePath } from './download.ts';

/** The Excel of the list at `P`, when the hub declares one. */
type ExportPath<P extends string> = `${P}/export.xlsx` & PathWith<'get'> & FilePath;

/**
 * A kind's calls from its address and the Excel's file name, e.g. `cardRecords` in
 * views/benefits/api.ts: then `cardRecords.list(query)`, `cardRecords.create(body)`,
 * `cardRecords.export(query)`. An address without all three is refused by the type checker.
 */
export function recordCalls<P extends PathWith<'get'> & PathWith<'post'>>(
  path: P & ([ExportPath<P>] extends [never] ? never : unknown),
  fileName: string,
) {
  return {
    list: call.get(path),
    create: call.post(path),
    export: download(`${path}/export.xlsx` as ExportPath<P>, fileName),
  };
}
