/**
 * Files from the API (Excel exports, printable PDFs) are fetched with the session (the bearer token
 * of a sign-in made in this page, else the session cookie) and handed to the browser as blobs under
 * the name the server gives them (Content-Disposition filename*), or opened in a new tab for
 * printing. The hub serves them sandboxed, so a file opened straight from its URL runs nothing.
 */
import { ApiError, storedToken } from './http.ts';

export type FileQuery = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query: FileQuery | undefined): string {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') parameters.set(key, String(value));
  }
  const text = parameters.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/** The file's bytes and its name; an error answer becomes an ApiError with the server's message. */
export async function fetchFile(
  path: string,
  query?: FileQuery,
): Promise<{ blob: Blob; name: string | null }> {
  const headers: Record<string, string> = { Accept: '*/*' };
  const token = storedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), { headers, credentials: 'same-origin' });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new ApiError(
      response.status,
      body.error ?? `http_${response.status}`,
      body.message ?? response.statusText,
    );
  }
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
  return { blob: await response.blob(), name: encoded ? decodeURIComponent(encoded) : null };
}

/** Saves the file under the server's name (or `fallbackName`); resolves with the name used. */
export async function downloadFile(path: string, fallbackName: string, query?: FileQuery): Promise<string> {
  const { blob, name } = await fetchFile(path, query);
  saveBlob(blob, name ?? fallbackName);
  return name ?? fallbackName;
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
export async function openPdf(path: string, query?: FileQuery): Promise<void> {
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
