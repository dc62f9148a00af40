/**
 * Consents per retiree (PIPL arts. 28–29: health data is sensitive and is processed, and shared with
 * each family member, on its own consent; art. 15: consent can be withdrawn). Two kinds:
 * `health_processing` (the centre's processing of the retiree's health data) and `family_sharing`
 * (one family account seeing the family page and its live updates). Each change is a new version
 * with who recorded it, when and on what basis; the latest version is in force; nothing is removed.
 *
 * What no version means: consent given. Every retiree and family account that existed before
 * consents were kept is recorded as given by migration 017 (grandfathered, basis written as such);
 * a family account created later gets a first version "given" at its creation (server/family/);
 * a retiree registered later counts as given until someone records otherwise (the centre registers
 * a retiree on the transfer agreement, 移交安置协议书). Nothing that worked before stops working.
 *
 * What a withdrawal does: a withdrawn `family_sharing` ends that account's access to the family
 * page at once (403 with a message saying why) and disconnects its live socket; a withdrawn
 * `health_processing` does the same for every family account of the retiree, since sharing is
 * processing. Staff keep their access: the care and the alarms go on under the centre's legal duty.
 */
import type { Database } from '../db/database.ts';
import { badRequest } from '../errors.ts';
import { isUuid } from '../ids.ts';
import type { User } from '../schemas/auth.ts';
import {
  CONSENT_KINDS,
  CONSENT_STATES,
  type ConsentInput,
  type ConsentKind,
  type ConsentOverview,
  type ConsentState,
  type ConsentStateName,
  type ConsentVersion,
} from '../schemas/consents.ts';
import { ConsentStore } from './store.ts';

/** A version recorded, for those who act on a withdrawal (the live channel). */
export interface ConsentChange {
  version: ConsentVersion;
  /** The family accounts whose access ends now (empty when the change is a "given"). */
  cutOff: string[];
}

export class ConsentService {
  readonly records: ConsentStore;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.records = new ConsentStore(db);
  }

  async overview(retireeId: string): Promise<ConsentOverview> {
    const [history, accounts] = await Promise.all([
      this.records.history(retireeId),
      this.records.familyAccounts(retireeId),
    ]);
    const latest = (kind: ConsentKind, userId: string | null) =>
      history.find((entry) => entry.kind === kind && entry.familyUserId === userId);
    const state = (kind: ConsentKind, userId: string | null, name: string | null): ConsentState => {
      const last = latest(kind, userId);
      return {
        kind,
        familyUserId: userId,
        familyName: name,
        state: last?.state ?? 'given',
        version: last?.version ?? 0,
        recorded: last !== undefined,
        basis: last?.basis ?? null,
        recordedByName: last?.recordedByName ?? null,
        recordedAt: last?.recordedAt ?? null,
        grandfathered: last?.grandfathered ?? false,
      };
    };
    return {
      current: [
        state('health_processing', null, null),
        ...accounts.map((account) => state('family_sharing', account.userId, account.name)),
      ],
      history,
    };
  }

  /** Records a new version after checking each field (Chinese messages, 400); changes nothing on error. */
  async record(retireeId: string, input: ConsentInput, by: User): Promise<ConsentChange> {
    const kind = input.kind as ConsentKind;
    if (!CONSENT_KINDS.includes(kind)) {
      throw badRequest('kind: 授权类型须为 health_processing（健康数据处理）或 family_sharing（与家属共享）');
    }
    const state = input.state as ConsentStateName;
    if (!CONSENT_STATES.includes(state))
      throw badRequest('state: 状态须为 given（同意）或 withdrawn（撤回）');
    const basis = input.basis.trim();
    if (!basis) throw badRequest('basis: 请填写记录依据（如书面签字、电话确认、监护人意见）');
    let familyUserId: string | null = null;
    if (kind === 'family_sharing') {
      const raw = input.familyUserId?.trim();
      if (!raw) throw badRequest('familyUserId: 与家属共享须指明家属账号');
      const accounts = await this.records.familyAccounts(retireeId);
      const account = isUuid(raw) ? accounts.find((entry) => entry.userId === raw.toLowerCase()) : undefined;
      if (!account) throw badRequest('familyUserId: 不是该老人的家属账号');
      familyUserId = account.userId;
    } else if (input.familyUserId !== undefined) {
      throw badRequest('familyUserId: 健康数据处理授权不针对家属账号，请勿填写');
    }
    const version = await this.db.transaction((tx) =>
      new ConsentStore(tx).append({
        retireeId,
        kind,
        familyUserId,
        state,
        basis,
        by: { id: by.id, name: by.displayName },
        at: this.clock(),
      }),
    );
    let cutOff: string[] = [];
    if (state === 'withdrawn') {
      cutOff =
        kind === 'family_sharing' && familyUserId
          ? [familyUserId]
          : (await this.records.familyAccounts(retireeId)).map((account) => account.userId);
    }
    return { version, cutOff };
  }

  /** Whether this family account may see this retiree now (no version counts as given). */
  familyMaySee(retireeId: string, userId: string): Promise<boolean> {
    return this.records.familyMaySee(retireeId, userId);
  }
}
