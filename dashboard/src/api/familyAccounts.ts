/** Staff side of families (6.11.2.4): a retiree's family accounts and each contact's notification channels. */
import type {
  Channel,
  ChannelInput,
  CreatedChannel,
  FamilyAccount,
  FamilyAccountInput,
} from '../../../server/schemas/index.ts';
import { request } from './http.ts';

function retireePath(retireeId: string): string {
  return `/api/retirees/${encodeURIComponent(retireeId)}`;
}

export function listFamilyAccounts(retireeId: string): Promise<FamilyAccount[]> {
  return request<FamilyAccount[]>(`${retireePath(retireeId)}/family-accounts`);
}

export function createFamilyAccount(retireeId: string, body: FamilyAccountInput): Promise<FamilyAccount> {
  return request<FamilyAccount>(`${retireePath(retireeId)}/family-accounts`, { method: 'POST', body });
}

export function disableFamilyAccount(retireeId: string, userId: string): Promise<void> {
  return request<void>(`${retireePath(retireeId)}/family-accounts/${encodeURIComponent(userId)}`, {
    method: 'DELETE',
  });
}

function channelsPath(retireeId: string, contactId: string): string {
  return `${retireePath(retireeId)}/contacts/${encodeURIComponent(contactId)}/channels`;
}

export function listChannels(retireeId: string, contactId: string): Promise<Channel[]> {
  return request<Channel[]>(channelsPath(retireeId, contactId));
}

/** A webhook's generated key comes back in `secret` this once. */
export function addChannel(
  retireeId: string,
  contactId: string,
  body: ChannelInput,
): Promise<CreatedChannel> {
  return request<CreatedChannel>(channelsPath(retireeId, contactId), { method: 'POST', body });
}

export function removeChannel(retireeId: string, contactId: string, channelId: string): Promise<void> {
  return request<void>(`${channelsPath(retireeId, contactId)}/${encodeURIComponent(channelId)}`, {
    method: 'DELETE',
  });
}
