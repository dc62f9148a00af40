/** The Emergency Rescue Card (应急救助卡, 6.5.2.6) of a retiree, as data and as a printable PDF. */
import type { RescueCard } from '../../../server/schemas/index.ts';
import { fetchFile } from './download.ts';
import { request } from './http.ts';

const cardPath = (retireeId: string) => `/api/retirees/${encodeURIComponent(retireeId)}/rescue-card`;

export function rescueCard(retireeId: string): Promise<RescueCard> {
  return request<RescueCard>(cardPath(retireeId));
}

/** The printable card; fetched with the session's token (a plain link would carry none). */
export async function rescueCardPdf(retireeId: string): Promise<Blob> {
  return (await fetchFile(`${cardPath(retireeId)}.pdf`)).blob;
}
