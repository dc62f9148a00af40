/**
 * Files from the API (Excel exports, printable PDFs, attachments) are fetched through the client,
 * with the session (the bearer token of a sign-in made in this page, else the session cookie), and
 * handed to the browser as blobs under the name the server gives them (Content-Disposition
 * filename*), or opened in a new tab for printing. The hub serves them sandboxed, so a file opened
 * straight from its URL runs nothing.
 *
 * A file's path is one the hub declares (its parameters filled in), checked against schema.d.ts.
 */
import { api, type PathWith, type paths, type QueryArgument, type QueryOf } from './client.ts';

export type FileQuery = Record<string, string | number | boolean | null | undefined>;

type GetPath = {
  [P in keyof paths]: paths[P]['get'] extends { responses: unknown } ? P : never;
}[keyof paths];
/** `/api/x/{id}/y` as the strings it stands for: `/api/x/${string}/y`. */
type Filled<P extends string> = P extends `${infer Head}{${string}}${infer Tail}`
  ? `${Head}${string}${Filled<Tail>}`
  : P;
/** A path the hub answers with GET, its parameters filled in. */
export type FilePath = Filled<GetPath>;

/** The file's bytes and its name; an error answer becomes an ApiError with the server's message. */
export async function fetchFile(
  path: FilePath,
  query?: FileQuery,
): Promise<{ blob: Blob; name: string | null }> {
  // The path is filled in already (no `{…}` left for the client to fill), so it goes as it is; its
  // type, checked above as a FilePath, is narrowed to one GET path that takes no parameters.
  const { data, response } = await api.GET(path as '/healthz', {
    params: { query: query as never },
    parseAs: 'blob',
    headers: { Accept: '*/*' },
  });
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
  return { blob: data as Blob, name: encoded ? decodeURIComponent(encoded) : null };
}

/** Saves the file under the server's name (or `fallbackName`); resolves with the name used. */
export async function downloadFile(path: FilePath, fallbackName: string, query?: FileQuery): Promise<string> {
  const { blob, name } = await fetchFile(path, query);
  saveBlob(blob, name ?? fallbackName);
  return name ?? fallbackName;
}

/**
 * A download of the file at `path` (an export, a template) with the query the route reads, saved
 * under the server's name or `fallbackName`: `export const exportResults = download(path, 'survey-results.xlsx')`.
 */
export function download<P extends PathWith<'get'> & FilePath>(path: P, fallbackName: string) {
  return (...[query]: QueryArgument<QueryOf<P>>): Promise<string> =>
    downloadFile(path, fallbackName, { ...query });
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.dataset.testid = 'file-download';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Opens a PDF in a new tab to print; the tab is opened first so that pop-up blockers allow it. */
export async function openPdf(path: FilePath, query?: FileQuery): Promise<void> {
  const tab = window.open('', '_blank');
  try {
    const { blob } = await fetchFile(path, query);
    const url = URL.createObjectURL(blob);
    if (tab) tab.location.href = url;
    else window.location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    tab?.close();
    throw error;
  }
}
