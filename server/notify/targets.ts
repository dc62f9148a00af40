/**
 * What a channel's target and secret must be, by kind, for family and staff channels alike: an
 * e-mail address; a mainland mobile number (SMS, voice), stored in its national form; a robot's
 * webhook address as its provider documents it, over https (plain http only to an address inside
 * a network the centre allowed itself), with its signing secret sealed; a webhook URL, with the
 * HMAC key it is signed with (generated when not given, shown once). Addresses inside the centre
 * are refused for every kind that is sent over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { badRequest } from '../errors.ts';
import type { ChannelKind } from '../schemas/escalation.ts';
import { mainlandMobile, type ProviderKind, validateConfig } from './providers/index.ts';
import type { NotificationService } from './service.ts';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
export const ROBOT_KINDS: readonly ChannelKind[] = ['dingtalk', 'wecom', 'feishu'];

export interface CheckedTarget {
  target: string;
  /** What is stored: a robot's secret sealed, a webhook's key as it is, else null. */
  storedSecret: string | null;
  /** A webhook's key, to show once. */
  shownSecret: string | null;
}

/**
 * The target and secret as stored, or a 400 saying what is wrong. `onRefusedAddress` is called
 * when the target's address is one the hub does not send to (counted in /metrics by the caller).
 */
export function checkChannel(
  notifications: Pick<NotificationService, 'allowsPlainHttp' | 'targetRefusal' | 'seal'>,
  kind: ChannelKind,
  target: string,
  secret: string | undefined,
  onRefusedAddress: () => void = () => {},
): CheckedTarget {
  if (secret && !ROBOT_KINDS.includes(kind) && kind !== 'webhook') {
    throw badRequest(`a ${kind} channel takes no secret`);
  }
  if (kind === 'email') {
    if (!EMAIL.test(target)) throw badRequest('target must be an e-mail address');
    return { target, storedSecret: null, shownSecret: null };
  }
  if (kind === 'sms' || kind === 'voice') {
    const national = mainlandMobile(target);
    if (!national)
      throw badRequest('target must be a mainland mobile number (1[3-9] and 9 digits, optional +86)');
    return { target: national, storedSecret: null, shownSecret: null };
  }
  const url = URL.canParse(target) ? new URL(target) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw badRequest('target must be an http or https URL');
  }
  if (kind !== 'webhook') {
    const allowHttp = notifications.allowsPlainHttp(url.hostname) ? [url.hostname] : [];
    const config = { webhook: target, ...(secret ? { secret } : {}) };
    const reason = validateConfig(kind as ProviderKind, config, { allowHttp });
    if (reason) throw badRequest(reason);
  }
  // An IP literal or a localhost name is refused now; a host name is judged at each delivery.
  const refusal = notifications.targetRefusal(url);
  if (refusal !== null) {
    onRefusedAddress();
    throw badRequest(refusal);
  }
  if (kind === 'webhook') {
    const key = secret ?? randomBytes(32).toString('base64url');
    return { target, storedSecret: key, shownSecret: key };
  }
  return { target, storedSecret: secret ? notifications.seal(secret) : null, shownSecret: null };
}

/** A robot's address names its access token: shown with the middle left out. */
export function maskedTarget(kind: ChannelKind, target: string): string {
  if (!ROBOT_KINDS.includes(kind) || !URL.canParse(target)) return target;
  const url = new URL(target);
  const hide = (value: string) => (value.length > 10 ? `${value.slice(0, 4)}…${value.slice(-4)}` : '…');
  for (const [name, value] of url.searchParams) url.searchParams.set(name, hide(value));
  const segments = url.pathname.split('/');
  const last = segments.at(-1) ?? '';
  if (last.length > 16) segments[segments.length - 1] = hide(last);
  return `${url.origin}${segments.join('/')}${url.search ? decodeURIComponent(url.search) : ''}`;
}
