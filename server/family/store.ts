/**
 * Family records: the link from a family account to its one retiree, and the family's view of
 * that retiree's alerts (6.11.2.4). Only the fields a relative should see leave this file.
 */
import { ACTIVE_STATUSES, alertKinds } from '../../devices/alerts.ts';
import type { AlertKind } from '../../devices/contract.ts';
import { familySharingAllowedSql } from '../consent/store.ts';
import type { Queryable } from '../db/database.ts';
import type { FamilyAccount, FamilyAlert, OnMyWay } from '../schemas/family.ts';
import { iso, isoRequired } from '../store/rows.ts';
import { familyStage, familyTone, STAGE_ACTIONS, stageWords } from './notice.ts';

interface FamilyAlertRow {
  id: string;
  kind: string;
  severity: FamilyAlert['severity'];
  status: FamilyAlert['status'];
  escalation_level: number;
  opened_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  outcome: FamilyAlert['outcome'];
  assigned_name: string | null;
  acknowledged_name: string | null;
}

interface StepRow {
  alert_id: string;
  action: string;
  at: Date;
  detail: { etaMinutes?: number | null };
  display_name: string | null;
}

interface AccountRow {
  user_id: string;
  username: string;
  display_name: string;
  retiree_id: string;
  contact_id: string | null;
  disabled: boolean;
  created_at: Date;
}

const ACTIVE = ACTIVE_STATUSES;

/** The Chinese name of an alert kind (devices/alerts.ts), or the kind itself when unknown. */
export function kindName(kind: string): string {
  return alertKinds[kind as AlertKind]?.zh ?? kind;
}

// Columns of migration 002 (assigned_to) are joined by name; the assigned member has the alert,
// else the one who acknowledged it.
const selectFamilyAlert = `select a.id, a.kind, a.severity, a.status, a.escalation_level, a.opened_at, a.acknowledged_at,
    a.resolved_at, a.outcome, ug.display_name as assigned_name, ua.display_name as acknowledged_name
  from alerts a
  left join users ug on ug.id = a.assigned_to
  left join users ua on ua.id = a.acknowledged_by`;

/**
 * The one place the family's shape is made: the status page, the live update and "I'm on my way"
 * all read alerts through here, so they say the same tone and the same status sentence.
 */
function toFamilyAlert(row: FamilyAlertRow, actions: readonly string[], onMyWay: OnMyWay[]): FamilyAlert {
  const stage = familyStage(row.status, actions);
  return {
    id: row.id,
    kind: row.kind,
    kindName: kindName(row.kind),
    severity: row.severity,
    status: row.status,
    tone: familyTone(row.kind, row.severity),
    stage,
    statusText: stageWords[stage],
    escalationLevel: row.escalation_level,
    openedAt: isoRequired(row.opened_at),
    acknowledgedAt: iso(row.acknowledged_at),
    resolvedAt: iso(row.resolved_at),
    handledBy: row.assigned_name ?? row.acknowledged_name,
    outcome: row.outcome,
    onMyWay,
  };
}

export class FamilyStore {
  constructor(private readonly db: Queryable) {}

  /**
   * The retiree a family account may see now; null for staff, an unlinked account, or one whose
   * sharing consent is withdrawn (server/consent/).
   */
  async retireeOf(userId: string): Promise<{ retireeId: string; contactId: string | null } | null> {
    const [row] = await this.db.query<{ retiree_id: string; contact_id: string | null }>(
      `select f.retiree_id, f.contact_id from family_links f
        where f.user_id = $1 and ${familySharingAllowedSql('f.retiree_id', 'f.user_id')}`,
      [userId],
    );
    return row ? { retireeId: row.retiree_id, contactId: row.contact_id } : null;
  }

  /** Whether the account is linked to a retiree at all, consent aside. */
  async isLinked(userId: string): Promise<boolean> {
    const rows = await this.db.query('select 1 from family_links where user_id = $1', [userId]);
    return rows.length === 1;
  }

  async link(userId: string, retireeId: string, contactId: string | null, createdBy: string): Promise<void> {
    await this.db.query(
      'insert into family_links (user_id, retiree_id, contact_id, created_by) values ($1, $2, $3, $4)',
      [userId, retireeId, contactId, createdBy],
    );
  }

  async accounts(retireeId: string): Promise<FamilyAccount[]> {
    const rows = await this.db.query<AccountRow>(
      `select f.user_id, u.username, u.display_name, f.retiree_id, f.contact_id, u.disabled, f.created_at
         from family_links f join users u on u.id = f.user_id
        where f.retiree_id = $1 order by f.created_at`,
      [retireeId],
    );
    return rows.map((row) => ({
      userId: row.user_id,
      username: row.username,
      displayName: row.display_name,
      retireeId: row.retiree_id,
      contactId: row.contact_id,
      disabled: row.disabled,
      createdAt: isoRequired(row.created_at),
    }));
  }

  /** Disables a family account and ends its sessions; the row stays (nothing is deleted). */
  async disable(retireeId: string, userId: string): Promise<boolean> {
    const rows = await this.db.query(
      `update users set disabled = true where id = $1 and role = 'family'
          and id in (select user_id from family_links where retiree_id = $2) returning id`,
      [userId, retireeId],
    );
    if (rows.length === 0) return false;
    await this.db.query('delete from sessions where user_id = $1', [userId]);
    return true;
  }

  async contactBelongs(retireeId: string, contactId: string): Promise<boolean> {
    const rows = await this.db.query('select 1 from contacts where id = $1 and retiree_id = $2', [
      contactId,
      retireeId,
    ]);
    return rows.length === 1;
  }

  /** One alert of this retiree as the family sees it; null when it is someone else's. */
  async alert(retireeId: string, alertId: string): Promise<FamilyAlert | null> {
    const rows = await this.db.query<FamilyAlertRow>(
      `${selectFamilyAlert} where a.id = $1 and a.retiree_id = $2`,
      [alertId, retireeId],
    );
    return (await this.withSteps(rows))[0] ?? null;
  }

  /** Active alerts, and those opened since `since`, newest first. */
  async alerts(retireeId: string, since: Date, limit = 100): Promise<FamilyAlert[]> {
    const rows = await this.db.query<FamilyAlertRow>(
      `${selectFamilyAlert} where a.retiree_id = $1 and (a.opened_at >= $2 or a.status = any($3::text[]))
        order by a.opened_at desc limit $4`,
      [retireeId, since, ACTIVE, limit],
    );
    return this.withSteps(rows);
  }

  /** Who has the alert now: the assigned staff member, else the one who acknowledged it. */
  async handlerName(alertId: string): Promise<string | null> {
    const [row] = await this.db.query<FamilyAlertRow>(`${selectFamilyAlert} where a.id = $1`, [alertId]);
    return row ? (row.assigned_name ?? row.acknowledged_name) : null;
  }

  /** Adds what the steps tell the family: the staff's actions (the stage) and "I'm on my way". */
  private async withSteps(rows: FamilyAlertRow[]): Promise<FamilyAlert[]> {
    if (rows.length === 0) return [];
    const steps = await this.db.query<StepRow>(
      `select s.alert_id, s.action, s.at, s.detail, u.display_name from alert_steps s
         left join users u on u.id = s.actor_id
        where s.action = any($2::text[]) and s.alert_id = any($1::uuid[]) order by s.at, s.id`,
      [rows.map((row) => row.id), ['family_on_way', ...STAGE_ACTIONS]],
    );
    return rows.map((row) => {
      const own = steps.filter((step) => step.alert_id === row.id);
      return toFamilyAlert(
        row,
        own.map((step) => step.action),
        own
          .filter((step) => step.action === 'family_on_way')
          .map((step) => ({
            at: isoRequired(step.at),
            etaMinutes: typeof step.detail?.etaMinutes === 'number' ? step.detail.etaMinutes : null,
            by: step.display_name ?? '',
          })),
      );
    });
  }
}
