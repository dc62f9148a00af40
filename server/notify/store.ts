/** Notification channels per contact and severity, and the log of every delivery attempt. */
import { randomUUID } from 'node:crypto';
import type { Severity } from '../../devices/alerts.ts';
import { familySharingAllowedSql } from '../consent/store.ts';
import type { Queryable } from '../db/database.ts';
import type { ChannelKind, Audience as LadderAudience } from '../schemas/escalation.ts';
import type { Channel, Delivery, NotifyReason } from '../schemas/family.ts';
import { iso, isoRequired } from '../store/rows.ts';
import { maskedTarget } from './targets.ts';

export type { Severity };
/** Whose a channel is: a family contact's, a staff member's, or the centre's for a role. */
export type Audience = LadderAudience | 'staff';
export type DeliveryStatus = Delivery['status'];

interface ChannelRow {
  id: string;
  audience: Audience;
  contact_id: string | null;
  user_id: string | null;
  kind: ChannelKind;
  target: string;
  secret: string | null;
  min_severity: Severity;
  enabled: boolean;
  quiet_from: number | null;
  quiet_to: number | null;
  created_at: Date;
}

/** A channel with what a delivery needs: its secret and whom it reaches. */
export interface ChannelTarget {
  id: string;
  audience: Audience;
  kind: ChannelKind;
  target: string;
  secret: string | null;
  minSeverity: Severity;
  contact: { id: string; name: string; relation: string } | null;
  /** The staff member of a staff channel. */
  user: { id: string; displayName: string } | null;
  /** Quiet hours (minutes after midnight, centre time) for alerts below critical. */
  quiet: { from: number; to: number } | null;
  enabled: boolean;
}

interface TargetRow extends ChannelRow {
  contact_name: string | null;
  contact_relation: string | null;
  user_name: string | null;
}

interface DeliveryRow {
  id: number;
  alert_id: string;
  channel_id: string;
  kind: ChannelKind;
  target: string;
  contact_name: string | null;
  staff_name: string | null;
  provider: string | null;
  cost: string | null;
  reason: string;
  attempt: number;
  status: DeliveryStatus;
  at: Date;
  response: string | null;
  error: string | null;
}

function toChannel(row: ChannelRow): Channel {
  return {
    id: row.id,
    contactId: row.contact_id ?? '',
    kind: row.kind as Channel['kind'],
    target: maskedTarget(row.kind, row.target),
    minSeverity: row.min_severity,
    enabled: row.enabled,
    hasSecret: row.secret !== null,
    createdAt: isoRequired(row.created_at),
  };
}

/**
 * A family contact is told only while the retiree's consents allow it: the centre may process their
 * health data, and — when the contact has a family account — that account's family sharing stands.
 * A withdrawn consent stops the messages at once, like the family page.
 */
const FAMILY_CONSENT = `coalesce((select c.state from consents c where c.retiree_id = co.retiree_id
      and c.kind = 'health_processing' and c.subject = 'centre' order by c.version desc limit 1), 'given') = 'given'
    and not exists (select 1 from family_links fl where fl.contact_id = co.id
      and not (${familySharingAllowedSql('co.retiree_id', 'fl.user_id')}))`;

export class NotificationStore {
  constructor(private readonly db: Queryable) {}

  async channels(contactId: string): Promise<Channel[]> {
    const rows = await this.db.query<ChannelRow>(
      'select * from notification_channels where contact_id = $1 and removed_at is null order by created_at, id',
      [contactId],
    );
    return rows.map(toChannel);
  }

  async addChannel(input: {
    contactId: string;
    kind: ChannelKind;
    target: string;
    secret: string | null;
    minSeverity: Severity;
    enabled: boolean;
  }): Promise<Channel> {
    const [row] = await this.db.query<ChannelRow>(
      `insert into notification_channels (id, audience, contact_id, kind, target, secret, min_severity, enabled)
       values ($1, 'family', $2, $3, $4, $5, $6, $7) returning *`,
      [
        randomUUID(),
        input.contactId,
        input.kind,
        input.target,
        input.secret,
        input.minSeverity,
        input.enabled,
      ],
    );
    if (!row) throw new Error('channel not stored');
    return toChannel(row);
  }

  /** Removal keeps the row, so that the delivery log still names the channel. */
  async removeChannel(contactId: string, channelId: string): Promise<boolean> {
    const rows = await this.db.query(
      `update notification_channels set removed_at = now(), enabled = false
        where id = $1 and contact_id = $2 and removed_at is null returning id`,
      [channelId, contactId],
    );
    return rows.length === 1;
  }

  /**
   * The enabled channels that reach `audiences` for this retiree: the family contacts' channels,
   * the centre's own channels for the staff audiences (a supervisors' group robot), and the own
   * channels of each staff member in `staffIds`.
   */
  async targets(
    retireeId: string | null,
    audiences: readonly LadderAudience[],
    staffIds: readonly string[] = [],
  ): Promise<ChannelTarget[]> {
    if (audiences.length === 0 && staffIds.length === 0) return [];
    const rows = await this.db.query<TargetRow>(
      `select ch.*, co.name as contact_name, co.relation as contact_relation, u.display_name as user_name
         from notification_channels ch
         left join contacts co on co.id = ch.contact_id
         left join users u on u.id = ch.user_id
        where ch.enabled and ch.removed_at is null
          and ((ch.audience = any($1::text[])
                and (ch.audience <> 'family' or (co.retiree_id = $2 and ${FAMILY_CONSENT})))
            or (ch.audience = 'staff' and ch.user_id = any($3::uuid[])
                and not u.disabled and u.disabled_at is null))
        order by co.priority nulls last, u.display_name nulls first, ch.created_at, ch.id`,
      [audiences, retireeId, staffIds],
    );
    return rows.map(toTarget);
  }

  /** A staff member's channels, removed ones left out. */
  async staffChannels(userId: string): Promise<ChannelTarget[]> {
    return (await this.centreRows('ch.user_id = $1', [userId])).map(toTarget);
  }

  /** The centre's channels for a role audience (on_duty, supervisor, manager). */
  async roleChannels(): Promise<ChannelTarget[]> {
    return (await this.centreRows(`ch.audience in ('on_duty', 'supervisor', 'manager')`, [])).map(toTarget);
  }

  private centreRows(where: string, params: unknown[]): Promise<TargetRow[]> {
    return this.db.query<TargetRow>(
      `select ch.*, null as contact_name, null as contact_relation, u.display_name as user_name
         from notification_channels ch left join users u on u.id = ch.user_id
        where ch.removed_at is null and ${where} order by ch.created_at, ch.id`,
      params,
    );
  }

  /** A staff member's own channel, or the centre's for a role. */
  async addCentreChannel(input: {
    audience: Exclude<Audience, 'family'>;
    userId: string | null;
    kind: ChannelKind;
    target: string;
    secret: string | null;
    minSeverity: Severity;
    enabled: boolean;
    quiet: { from: number; to: number } | null;
  }): Promise<ChannelTarget> {
    const id = randomUUID();
    await this.db.query(
      `insert into notification_channels (id, audience, user_id, kind, target, secret, min_severity, enabled, quiet_from, quiet_to)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        input.audience,
        input.audience === 'staff' ? input.userId : null,
        input.kind,
        input.target,
        input.secret,
        input.minSeverity,
        input.enabled,
        input.quiet?.from ?? null,
        input.quiet?.to ?? null,
      ],
    );
    const [row] = await this.centreRows('ch.id = $1', [id]);
    if (!row) throw new Error('channel not stored');
    return toTarget(row);
  }

  /** Removes a centre or staff channel (kept for the delivery log); `userId` limits it to theirs. */
  async removeCentreChannel(channelId: string, userId: string | null): Promise<boolean> {
    const rows = await this.db.query(
      `update notification_channels set removed_at = now(), enabled = false
        where id = $1 and audience <> 'family' and removed_at is null
          and ($2::uuid is null or user_id = $2) returning id`,
      [channelId, userId],
    );
    return rows.length === 1;
  }

  async recordAttempt(entry: {
    alertId: string;
    channelId: string;
    reason: NotifyReason;
    attempt: number;
    status: DeliveryStatus;
    at: Date;
    response?: string | null;
    error?: string | null;
    provider?: string | null;
    cost?: string | null;
  }): Promise<void> {
    await this.db.query(
      `insert into notification_deliveries (alert_id, channel_id, reason, attempt, status, at, response, error, provider, cost)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.alertId,
        entry.channelId,
        entry.reason,
        entry.attempt,
        entry.status,
        entry.at,
        clip(entry.response ?? null),
        clip(entry.error ?? null),
        entry.provider ?? null,
        entry.cost ?? null,
      ],
    );
  }

  async deliveries(alertId: string): Promise<Delivery[]> {
    const rows = await this.db.query<DeliveryRow>(
      `select d.*, ch.kind, ch.target, co.name as contact_name, u.display_name as staff_name
         from notification_deliveries d
         join notification_channels ch on ch.id = d.channel_id
         left join contacts co on co.id = ch.contact_id
         left join users u on u.id = ch.user_id
        where d.alert_id = $1 order by d.at, d.id`,
      [alertId],
    );
    return rows.map((row) => ({
      id: row.id,
      alertId: row.alert_id,
      channelId: row.channel_id,
      kind: row.kind,
      target: row.target,
      contactName: row.contact_name,
      staffName: row.staff_name,
      provider: row.provider,
      cost: row.cost,
      reason: row.reason,
      attempt: row.attempt,
      status: row.status,
      at: iso(row.at) ?? '',
      response: row.response,
      error: row.error,
    }));
  }
}

function toTarget(row: TargetRow): ChannelTarget {
  return {
    id: row.id,
    audience: row.audience,
    kind: row.kind,
    target: row.target,
    secret: row.secret,
    minSeverity: row.min_severity,
    contact:
      row.contact_id && row.contact_name !== null
        ? { id: row.contact_id, name: row.contact_name, relation: row.contact_relation ?? '' }
        : null,
    user: row.user_id && row.user_name !== null ? { id: row.user_id, displayName: row.user_name } : null,
    quiet:
      row.quiet_from !== null && row.quiet_to !== null ? { from: row.quiet_from, to: row.quiet_to } : null,
    enabled: row.enabled,
  };
}

/** A receiver's answer can be long (an HTML error page): keep the start. */
function clip(text: string | null): string | null {
  return text === null ? null : text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
