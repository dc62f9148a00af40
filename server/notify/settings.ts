/**
 * Settings of the family side and the notification channels, read from the environment at start
 * and validated like server/config.ts. The README's settings table lists the same names.
 *
 * | variable                    | default                                      |
 * |-----------------------------|----------------------------------------------|
 * | HUB_CENTRE_NAME             | 军休服务中心                                 |
 * | HUB_CENTRE_PHONE            | (empty: the family page shows no number)     |
 * | HUB_SMTP_URL                | (unset: e-mail deliveries fail, recorded)    |
 * | HUB_SMTP_FROM               | 军休智慧监护平台 <noreply@junxiu-hub.local>  |
 * | HUB_PUBLIC_URL              | (unset: e-mails carry no link)               |
 * | HUB_WEBHOOK_RETRY_DELAYS    | 0,2000,8000 (ms before each attempt)         |
 * | HUB_NOTIFY_QUEUE            | 1000 (deliveries waiting at most)            |
 * | HUB_NOTIFY_TIMEOUT_MS       | 10000 (one attempt at most)                  |
 * | HUB_NOTIFY_ALLOWED_NETWORKS | (none: webhooks reach public addresses only) |
 */
import { ConfigError, type Env, integer, text, url } from '../config.ts';
import { type Network, parseNetworks } from './addresses.ts';

export interface NotifySettings {
  centreName: string;
  centrePhone: string;
  smtpUrl: string | undefined;
  smtpFrom: string;
  publicUrl: string | undefined;
  /** Delay before each attempt: the length is the number of attempts. */
  retryDelaysMs: number[];
  queueLimit: number;
  attemptTimeoutMs: number;
  /**
   * Networks a webhook may reach although they are not public (the centre's own SMS gateway on its
   * LAN): loopback, private and link-local addresses are refused otherwise (server/notify/addresses.ts).
   */
  allowedNetworks: Network[];
}

export function loadNotifySettings(env: Env = process.env): NotifySettings {
  const delaysRaw = text(env, 'HUB_WEBHOOK_RETRY_DELAYS') ?? '0,2000,8000';
  const retryDelaysMs = delaysRaw.split(',').map((part) => Number(part.trim()));
  if (
    retryDelaysMs.length < 1 ||
    retryDelaysMs.length > 10 ||
    retryDelaysMs.some((delay) => !Number.isInteger(delay) || delay < 0 || delay > 3_600_000)
  ) {
    throw new ConfigError(
      'HUB_WEBHOOK_RETRY_DELAYS',
      `expected 1–10 comma-separated delays in ms (0–3600000), got "${delaysRaw}"`,
    );
  }
  const allowedRaw = text(env, 'HUB_NOTIFY_ALLOWED_NETWORKS') ?? '';
  const allowedNetworks = parseNetworks(allowedRaw);
  if (typeof allowedNetworks === 'string') {
    throw new ConfigError(
      'HUB_NOTIFY_ALLOWED_NETWORKS',
      `expected comma-separated IP addresses or CIDR ranges (192.168.10.5, 10.20.0.0/16, fd12:3456::/48): ${allowedNetworks}`,
    );
  }
  return {
    centreName: text(env, 'HUB_CENTRE_NAME') ?? '军休服务中心',
    centrePhone: text(env, 'HUB_CENTRE_PHONE') ?? '',
    // The URL carries the password (smtp://user:pass@host:587): never log it.
    smtpUrl: url(env, 'HUB_SMTP_URL', ['smtp:', 'smtps:']),
    smtpFrom: text(env, 'HUB_SMTP_FROM') ?? '军休智慧监护平台 <noreply@junxiu-hub.local>',
    publicUrl: url(env, 'HUB_PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
    retryDelaysMs,
    queueLimit: integer(env, 'HUB_NOTIFY_QUEUE', 1000, 1, 1_000_000),
    attemptTimeoutMs: integer(env, 'HUB_NOTIFY_TIMEOUT_MS', 10_000, 100, 600_000),
    allowedNetworks,
  };
}
