/**
 * Downloads an export (.xlsx) with the session's token, under the name the server gives it
 * (生活待遇.xlsx, 养老服务安排.xlsx, …). Shared by the living treatment, care and after-death pages.
 */
import { ApiError, storedToken } from '../../api/http.ts';

export async function downloadWorkbook(
  path: string,
  query: Record<string, string | boolean | undefined>,
  fallbackName: string,
): Promise<void> {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') parameters.set(key, String(value));
  }
  const text = parameters.toString();
  const headers: Record<string, string> = {
    Accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/json',
  };
  const token = storedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(text ? `${path}?${text}` : path, { headers });
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
  const blob = await response.blob();
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = encoded ? decodeURIComponent(encoded) : fallbackName;
  link.dataset.testid = 'workbook-download';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
