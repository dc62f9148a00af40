/**
 * The family side (6.11.2.4): accounts scoped to one retiree (6.11.2.2), the status page, the
 * "I'm on my way" answer, and the live push of the relative's alert changes (`alert.changed` on the
 * hub's bus) to the family room.
 */
import { isActive, nextStatus } from '../../devices/alerts.ts';
import type { EventBus } from '../../devices/bus.ts';
import { passwordProblem } from '../auth/passwords.ts';
import { hashPassword } from '../auth/secrets.ts';
import { ConsentStore } from '../consent/store.ts';
import type { Database } from '../db/database.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';
import type { Alert } from '../schemas/alerts.ts';
import type { User } from '../schemas/auth.ts';
import type {
  FamilyAccount,
  FamilyAccountInput,
  FamilyAlert,
  FamilyAlertUpdate,
  FamilyState,
  FamilyStatus,
  OnMyWayBody,
} from '../schemas/family.ts';
import { AlertStore } from '../store/alerts.ts';
import { isUniqueViolation } from '../store/rows.ts';
import { UserStore } from '../store/users.ts';
import { FAMILY_STAGES } from './notice.ts';
import { FamilyStore } from './store.ts';

const OWNER = 'family-service';

const RECENT_DAYS = 30;
const CUT_OFF_SWEEP_MS = 1000;

/** Where the family's alert changes go live: LiveChannel fits. */
export interface FamilyPublisher {
  familyAlert(retireeId: string, update: FamilyAlertUpdate): void;
  /** False when no family page follows this retiree now: the family's view need not be read. */
  familyWatching?(retireeId: string): boolean;
  /** Disconnects these family accounts' sockets following the retiree (consent withdrawn). */
  dropFamily?(retireeId: string, userIds: string[]): void;
}

/**
 * The active alert the page's headline speaks of: an emergency before a device notice, then the
 * one the staff are least far with, then the newest. The headline repeats that alert's own status
 * sentence, so it cannot say anything the list does not.
 */
export function headlineOf(active: readonly FamilyAlert[]): FamilyAlert | null {
  const toneRank = (alert: FamilyAlert): number => (alert.tone === 'emergency' ? 0 : 1);
  const first = [...active].sort(
    (a, b) =>
      toneRank(a) - toneRank(b) ||
      FAMILY_STAGES.indexOf(a.stage) - FAMILY_STAGES.indexOf(b.stage) ||
      Date.parse(b.openedAt) - Date.parse(a.openedAt),
  );
  return first[0] ?? null;
}

/** The page's state follows its headline alert: none, a notice, an emergency not yet received, or in hand. */
function stateOf(headline: FamilyAlert | null): FamilyState {
  if (!headline) return 'well';
  if (headline.tone === 'notice') return 'notice';
  return headline.stage === 'notified' ? 'alert_open' : 'being_handled';
}

export interface Centre {
  name: string;
  phone: string;
}

export class FamilyService {
  readonly records: FamilyStore;
  private readonly alertRecords: AlertStore;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly live: FamilyPublisher,
    private readonly centre: Centre,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.records = new FamilyStore(db);
    this.alertRecords = new AlertStore(db);
  }

  start(): void {
    this.bus.on('alert.changed', OWNER, ({ change, alert }) => this.push(change, alert));
  }

  stop(): void {
    this.bus.removeOwner(OWNER);
  }

  /** The retiree a family user may see; 403 for anyone else (6.11.2.2). */
  async retireeFor(user: User): Promise<{ retireeId: string; contactId: string | null }> {
    if (user.role !== 'family') throw forbidden('for family accounts only');
    const link = await this.records.retireeOf(user.id);
    if (link) return link;
    if (await this.records.isLinked(user.id)) {
      throw forbidden(
        '家属共享授权已撤回，暂不能查看该老人的信息；如有疑问请联系军休机构 (sharing consent withdrawn)',
      );
    }
    throw forbidden('this family account is not linked to a retiree');
  }

  async createAccount(retireeId: string, input: FamilyAccountInput, by: User): Promise<FamilyAccount> {
    const contactId = input.contactId?.toLowerCase() ?? null;
    if (contactId && !(isUuid(contactId) && (await this.records.contactBelongs(retireeId, contactId)))) {
      throw notFound('contact');
    }
    // A family account reads health data: the same password rules as staff.
    const problem = passwordProblem(input.password, input.username);
    if (problem) throw badRequest(`password: ${problem}`);
    const passwordHash = await hashPassword(input.password);
    try {
      const userId = await this.db.transaction(async (tx) => {
        const user = await new UserStore(tx).create({
          username: input.username,
          displayName: input.displayName,
          role: 'family',
          passwordHash,
        });
        await new FamilyStore(tx).link(user.id, retireeId, contactId, by.id);
        // The first version of this account's sharing consent (server/consent/service.ts).
        await new ConsentStore(tx).append({
          retireeId,
          kind: 'family_sharing',
          familyUserId: user.id,
          state: 'given',
          basis: '开通家属账号时登记：按老人或其监护人的申请开通',
          by: { id: by.id, name: by.displayName },
          at: this.clock(),
        });
        return user.id;
      });
      const account = (await this.records.accounts(retireeId)).find((entry) => entry.userId === userId);
      if (!account) throw new Error('family account vanished after insert');
      return account;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`username ${input.username} is taken`);
      throw error;
    }
  }

  async status(user: User): Promise<FamilyStatus> {
    const { retireeId } = await this.retireeFor(user);
    const [retiree] = await this.db.query<{ id: string; name: string }>(
      'select id, name from retirees where id = $1',
      [retireeId],
    );
    if (!retiree) throw notFound('retiree');
    const since = new Date(this.clock().getTime() - RECENT_DAYS * 86_400_000);
    const alerts = await this.records.alerts(retireeId, since);
    const active = alerts.filter((alert) => isActive(alert.status));
    const headline = headlineOf(active);
    return {
      retiree: { id: retiree.id, name: retiree.name },
      state: stateOf(headline),
      headlineId: headline?.id ?? null,
      handledBy: headline?.handledBy ?? null,
      active,
      recent: alerts.filter((alert) => Date.parse(alert.openedAt) >= since.getTime()),
      centre: { ...this.centre },
      user: { displayName: user.displayName },
    };
  }

  /** "I'm on my way": a step on the alert, pushed to staff and to the family room. */
  async onMyWay(user: User, alertId: string, body: OnMyWayBody): Promise<FamilyAlert> {
    const { retireeId, contactId } = await this.retireeFor(user);
    // Someone else's alert does not exist, as far as this account can tell (404, not 403).
    const id = isUuid(alertId) ? alertId.toLowerCase() : null;
    const before = id ? await this.records.alert(retireeId, id) : null;
    if (!id || !before) throw notFound('alert');
    if (!nextStatus(before.status, 'family_on_way')) throw conflict(`alert is already ${before.status}`);
    await this.alertRecords.addStep(id, 'family_on_way', user.id, this.clock(), {
      etaMinutes: body.etaMinutes ?? null,
      note: body.note ?? null,
      contactId,
    });
    const alert = await this.alertRecords.byId(id);
    // Staff see it at once, and the family room's push is waited for; the step is stored whatever
    // a listener makes of it.
    if (alert) {
      await this.bus
        .emitAndWait('alert.changed', { change: 'updated', alert, statusChanged: false })
        .catch(this.onError);
    }
    const after = await this.records.alert(retireeId, id);
    if (!after) throw notFound('alert');
    return after;
  }

  /** Consent withdrawn: these accounts stop receiving the retiree's updates now. */
  cutOff(retireeId: string, userIds: string[]): void {
    if (userIds.length === 0) return;
    this.live.dropFamily?.(retireeId, userIds);
    // A handshake that read the consent just before the withdrawal may join the room just after
    // this sweep: a second one a moment later closes it too, unless consent was given again since.
    setTimeout(() => void this.sweep(retireeId, userIds), CUT_OFF_SWEEP_MS).unref();
  }

  private async sweep(retireeId: string, userIds: string[]): Promise<void> {
    try {
      const links = await Promise.all(userIds.map((userId) => this.records.retireeOf(userId)));
      const still = userIds.filter((_, index) => links[index]?.retireeId !== retireeId);
      if (still.length > 0) this.live.dropFamily?.(retireeId, still);
    } catch (error) {
      this.onError(error);
    }
  }

  /** Sends an alert change to its retiree's family room, in the family's shape. Never throws. */
  async push(change: 'opened' | 'updated', alert: Alert): Promise<void> {
    if (!alert.retireeId) return;
    // Most alerts have no family page open; a family member who opens one later reads it then.
    if (this.live.familyWatching && !this.live.familyWatching(alert.retireeId)) return;
    try {
      const view = await this.records.alert(alert.retireeId, alert.id);
      if (view) this.live.familyAlert(alert.retireeId, { change, alert: view });
    } catch (error) {
      this.onError(error);
    }
  }
}
