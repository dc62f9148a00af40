/**
 * What the family side and the notification channels are set up with: the centre's name and
 * phone, the mail server, the retry schedule and bounds of deliveries, the networks webhooks may
 * reach. Read from the environment with every other setting (server/settings/schema.ts).
 */
import type { Network } from './addresses.ts';

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
