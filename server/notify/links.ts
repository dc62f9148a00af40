/**
 * Links that act on one alert from a phone. Each message to a staff member about an alert carries
 * its own link: the token is the link's id and an HMAC of it under the hub's key, so it cannot be
 * made up or altered, and the stored row says whom it was sent to and about which alert. A link
 * opens its alert only while the alert is active (a leaked link after the alert closed opens
 * nothing), and each action of a link is used once.
 */
import { randomUUID } from 'node:crypto';
import { LinkTokens } from '../auth/link-tokens.ts';
import type { Vault } from '../auth/vault.ts';
import type { Queryable } from '../db/database.ts';

/** What a phone may do with an alert's link, in the order its page offers them. */
export const LINK_ACTIONS = ['acknowledge', 'take', 'on_my_way', 'handed_to_120'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

export interface AlertLink {
  id: string;
  alertId: string;
  userId: string;
  channelId: string | null;
  createdAt: Date;
  /** The actions already taken with this link. */
  used: LinkAction[];
}

/**
 * A URL as the log keeps it: the token of a phone page's link (an alert's under /m/, a survey's
 * under /q/) is a key, so it is left out.
 */
export function withoutLinkToken(url: string): string {
  return url.replace(/^\/(m|q)\/[^/?#]+/, '/$1/…');
}

export class AlertLinks {
  private readonly tokens: LinkTokens;

  constructor(
    private readonly db: Queryable,
    vault: Pick<Vault, 'fingerprint'>,
  ) {
    this.tokens = new LinkTokens(vault, 'alert link');
  }

  /** A new link for `userId` about `alertId`; resolves with its token. */
  async issue(alertId: string, userId: string, channelId: string | null, at: Date): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      'insert into alert_links (id, alert_id, user_id, channel_id, created_at) values ($1, $2, $3, $4, $5)',
      [id, alertId, userId, channelId, at],
    );
    return this.tokens.token(id);
  }

  /** The link a token names, or null when the token is malformed, forged or unknown. */
  async find(token: string): Promise<AlertLink | null> {
    const id = this.tokens.idOf(token);
    if (!id) return null;
    const [row] = await this.db.query<{
      id: string;
      alert_id: string;
      user_id: string;
      channel_id: string | null;
      created_at: Date;
      used: LinkAction[] | null;
    }>(
      `select l.*, array(select u.action from alert_link_uses u where u.link_id = l.id order by u.used_at) as used
         from alert_links l where l.id = $1`,
      [id],
    );
    if (!row) return null;
    return {
      id: row.id,
      alertId: row.alert_id,
      userId: row.user_id,
      channelId: row.channel_id,
      createdAt: new Date(row.created_at),
      used: row.used ?? [],
    };
  }

  /** Marks `action` of the link used; false when it already was. */
  async use(linkId: string, action: LinkAction, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `insert into alert_link_uses (link_id, action, used_at) values ($1, $2, $3)
       on conflict (link_id, action) do nothing returning link_id`,
      [linkId, action, at],
    );
    return rows.length === 1;
  }

  /** Gives an action back when what it was to do failed, so the link can try it again. */
  async unuse(linkId: string, action: LinkAction): Promise<void> {
    await this.db.query('delete from alert_link_uses where link_id = $1 and action = $2', [linkId, action]);
  }
}
