/**
 * Retirees (the frame's list and the retiree page): the records, vitals, the live wall, the Emergency
 * Rescue Card (应急救助卡, 6.5.2.6), and the staff side of families (6.11.2.4): a retiree's family
 * accounts and each contact's notification channels.
 */

import type {
  BloodPressureAnswer,
  RetireeLocation,
  SafeZoneBody,
  SafeZoneRecord,
} from '../../../server/location/schemas.ts';
import type { ConsentOverview, ConsentVersion } from '../../../server/schemas/consents.ts';
import type {
  Channel,
  CreatedChannel,
  FamilyAccount,
  RescueCard,
  Retiree,
  RetireeSummary,
  VitalsResponse,
  WallPage,
} from '../../../server/schemas/index.ts';
import { api, type BodyOf, data, type QueryOf } from './client.ts';
import { fetchFile } from './download.ts';

const retiree = (id: string) => ({ params: { path: { id } } });

export function listRetirees(): Promise<RetireeSummary[]> {
  return data(api.GET('/api/retirees'));
}

/** One page of the live wall, attention first; the filter never hides a retiree with an active alert. */
export function listWall(query: QueryOf<'/api/wall'>): Promise<WallPage> {
  return data(api.GET('/api/wall', { params: { query } }));
}

export function getRetiree(id: string): Promise<Retiree> {
  return data(api.GET('/api/retirees/{id}', retiree(id)));
}

export function createRetiree(body: BodyOf<'/api/retirees'>): Promise<Retiree> {
  return data(api.POST('/api/retirees', { body }));
}

export function getVitals(id: string, query: QueryOf<'/api/retirees/{id}/vitals'>): Promise<VitalsResponse> {
  return data(api.GET('/api/retirees/{id}/vitals', { params: { path: { id }, query } }));
}

export function rescueCard(retireeId: string): Promise<RescueCard> {
  return data(api.GET('/api/retirees/{id}/rescue-card', retiree(retireeId)));
}

/** The printable card; fetched with the session's token (a plain link would carry none). */
export async function rescueCardPdf(retireeId: string): Promise<Blob> {
  return (await fetchFile(`/api/retirees/${encodeURIComponent(retireeId)}/rescue-card.pdf`)).blob;
}

export function listFamilyAccounts(retireeId: string): Promise<FamilyAccount[]> {
  return data(api.GET('/api/retirees/{id}/family-accounts', retiree(retireeId)));
}

export function createFamilyAccount(
  retireeId: string,
  body: BodyOf<'/api/retirees/{id}/family-accounts'>,
): Promise<FamilyAccount> {
  return data(api.POST('/api/retirees/{id}/family-accounts', { ...retiree(retireeId), body }));
}

export async function disableFamilyAccount(retireeId: string, userId: string): Promise<void> {
  await api.DELETE('/api/retirees/{id}/family-accounts/{userId}', {
    params: { path: { id: retireeId, userId } },
  });
}

const contact = (id: string, contactId: string) => ({ params: { path: { id, contactId } } });

export function listChannels(retireeId: string, contactId: string): Promise<Channel[]> {
  return data(api.GET('/api/retirees/{id}/contacts/{contactId}/channels', contact(retireeId, contactId)));
}

/** A webhook's generated key comes back in `secret` this once. */
export function addChannel(
  retireeId: string,
  contactId: string,
  body: BodyOf<'/api/retirees/{id}/contacts/{contactId}/channels'>,
): Promise<CreatedChannel> {
  return data(
    api.POST('/api/retirees/{id}/contacts/{contactId}/channels', { ...contact(retireeId, contactId), body }),
  );
}

export async function removeChannel(retireeId: string, contactId: string, channelId: string): Promise<void> {
  await api.DELETE('/api/retirees/{id}/contacts/{contactId}/channels/{channelId}', {
    params: { path: { id: retireeId, contactId, channelId } },
  });
}

// ── where a retiree is (防走失), their safe zone, and the blood pressure their watch measured ──────

export async function latestLocation(id: string): Promise<RetireeLocation | null> {
  return (await data(api.GET('/api/retirees/{id}/location', retiree(id)))).location as RetireeLocation | null;
}

export async function safeZone(id: string): Promise<SafeZoneRecord | null> {
  return (await data(api.GET('/api/retirees/{id}/safe-zone', retiree(id)))).zone as SafeZoneRecord | null;
}

export function setSafeZone(id: string, body: SafeZoneBody): Promise<SafeZoneRecord> {
  return data(api.PUT('/api/retirees/{id}/safe-zone', { ...retiree(id), body })) as Promise<SafeZoneRecord>;
}

export async function removeSafeZone(id: string): Promise<void> {
  await api.DELETE('/api/retirees/{id}/safe-zone', retiree(id));
}

export function bloodPressure(id: string): Promise<BloodPressureAnswer> {
  return data(api.GET('/api/retirees/{id}/blood-pressure', retiree(id))) as Promise<BloodPressureAnswer>;
}

// ── consents (PIPL): those in force and every version; a version given or withdrawn, with its basis ──

export function retireeConsents(id: string): Promise<ConsentOverview> {
  return data(api.GET('/api/retirees/{id}/consents', retiree(id)));
}

export function recordConsent(
  id: string,
  body: BodyOf<'/api/retirees/{id}/consents'>,
): Promise<ConsentVersion> {
  return data(api.POST('/api/retirees/{id}/consents', { ...retiree(id), body }));
}
