/** The Emergency Rescue Card (应急救助卡, 6.5.2.6) of a retiree, as data and as a printable PDF. */
import type { RescueCard } from '../../../server/schemas/index.ts';
import { ApiError, request, storedToken } from './http.ts';

const cardPath = (retireeId: string) => `/api/retirees/${encodeURIComponent(retireeId)}/rescue-card`;

export function rescueCard(retireeId: string): Promise<RescueCard> {
  return request<RescueCard>(cardPath(retireeId));
}

/**
 * The PDF needs the bearer token, which a plain link cannot send; it is fetched as a blob and
 * handed to the browser as an object URL instead.
 */
export async function rescueCardPdf(retireeId: string): Promise<Blob> {
  const token = storedToken();
  let response: Response;
  try {
    response = await fetch(`${cardPath(retireeId)}.pdf`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, response.statusText);
  return response.blob();
}
