/**
 * The alert workflow (5.1.7): candidates from detection become alerts (one active alert per retiree
 * and kind; repeats add to it; a redelivered event opens nothing); staff acknowledge, take, work
 * (calls, staff sent, hand-over to 120) and resolve them; the retiree may cancel before anyone
 * acknowledged. Which action is allowed in which status, and where it leads, is the table of
 * devices/alerts.ts. Every step is stored with who and when; acknowledgement and "help is on the
 * way" reach the device. Nothing is ever deleted.
 *
 * The path of an SOS, hop by hop on the hub's bus (devices/contract.ts, server/alerts/events.ts):
 *
 *   the pendant publishes `eldercare/v1/{id}/event` {"type": "sos"} at QoS 1
 *   → gateway (gateway/broker/gateway.ts) decodes it and emits `device.event`, waiting for its
 *     listeners: the PUBACK goes out only once the alert is stored, so a lost SOS is sent again
 *   → detector (gateway/detect/) → `alert.candidate` (kind sos, severity from devices/alerts.ts),
 *     waited for in turn
 *   → this workflow stores it in one transaction (a redelivered event id opens nothing)
 *   → `alert.changed` {opened}: the live channel (staff, at once), the family's live page, family
 *     notifications, the log
 *   → staff acknowledge: `device.command` (the pendant hears it) and `alert.changed` {updated}
 *   → nobody acknowledges in time: the escalation ladder (escalation.ts) emits `alert.changed` and
 *     `alert.escalated` (notifications to the step's audiences).
 */

import { kindInfo, moreSevere } from '../../devices/alerts.ts';
import type { EventBus } from '../../devices/bus.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import { mayAccess } from '../access/policy.ts';
import type { Database } from '../db/database.ts';
import type { Directory } from '../devices/directory.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';
import type { ActionBody, Alert, AlertStep, Outcome } from '../schemas/alerts.ts';
import type { User } from '../schemas/auth.ts';
import { AlertStore } from '../store/alerts.ts';
import { isUniqueViolation } from '../store/rows.ts';
import { DEFAULT_OUTAGE, OutageGrouping, type OutageSettings } from './outage.ts';

const OWNER = 'alert-workflow';
export const ACK_TEXT = '值班人员已收到，正在处理';
export const HELP_COMING_TEXT = '工作人员正在赶来，请保持冷静';

/** Storm control: this many occurrences of one device's kind within the window mark a likely fault. */
export const STORM_COUNT = 5;
export const STORM_WINDOW_MS = 10 * 60_000;
export const STORM_HINT = 'device_fault?';

/**
 * Kinds judged from vital-sign readings. A retiree whose heart rate stays high raises a candidate
 * every few readings for as long as it lasts, so their count says nothing of the device: detection
 * judges the readings themselves and names a fault in `detail.fault` (gateway/detect/fault.ts).
 */
const READING_KINDS: ReadonlySet<AlertCandidate['kind']> = new Set(['hr_high', 'hr_low', 'spo2_low']);

/** Whether detection found the candidate's readings impossible or flapping. */
function readingFault(candidate: AlertCandidate): boolean {
  return READING_KINDS.has(candidate.kind) && typeof candidate.detail.fault === 'string';
}

export class AlertWorkflow {
  private readonly records: AlertStore;
  /** Candidates for the same subject and kind are handled one after another. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Many devices offline at once: one outage incident (outage.ts). */
  private readonly outage: OutageGrouping;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly directory: Directory,
    private readonly clock: () => Date = () => new Date(),
    outage: OutageSettings = DEFAULT_OUTAGE,
  ) {
    this.records = new AlertStore(db);
    this.outage = new OutageGrouping(db, bus, clock, outage);
  }

  /** A failure is thrown to the bus: logged there, or seen by whoever waits for the event. */
  start(): void {
    this.bus.on('alert.candidate', OWNER, async (candidate) => {
      await this.handle(candidate);
    });
    this.bus.on('device.event', OWNER, async ({ deviceId, event }) => {
      if (event.type !== 'cancel') return;
      await this.cancelFromDevice(deviceId, event.id, new Date(event.ts));
    });
    this.outage.start();
  }

  stop(): Promise<void> {
    this.bus.removeOwner(OWNER);
    this.outage.stop();
    return Promise.allSettled([...this.queues.values()]).then(() => {});
  }

  /** Turns a candidate into a new alert or a repeat of the active one; null for a redelivered event. */
  handle(candidate: AlertCandidate): Promise<{ change: 'opened' | 'updated'; alert: Alert } | null> {
    return this.queued(candidate.deviceId, candidate.kind, (retireeId, subject) =>
      candidate.kind === 'device_offline'
        ? this.offline(candidate, retireeId, subject)
        : this.apply(candidate, retireeId, subject),
    );
  }

  /**
   * A device gone offline joins the outage incident when there is one or it makes one; otherwise
   * it is an alert of its own, which folds in after all when an incident opened meanwhile.
   */
  private async offline(
    candidate: AlertCandidate,
    retireeId: string | null,
    subject: string,
  ): Promise<{ change: 'opened' | 'updated'; alert: Alert } | null> {
    const incident = await this.outage.absorb(candidate, retireeId);
    if (incident) return { change: 'updated', alert: incident };
    const stored = await this.apply(candidate, retireeId, subject);
    if (!stored) return null;
    const folded = await this.outage.settle(stored.alert.id, candidate.deviceId, new Date(candidate.ts));
    return folded ? { change: 'updated', alert: folded } : stored;
  }

  /**
   * Runs `work` after the earlier work on the same subject (the device's retiree, else the device)
   * and kind: one alert per subject and kind is decided one candidate at a time.
   */
  private queued<T>(
    deviceId: string,
    kind: AlertCandidate['kind'],
    work: (retireeId: string | null, subject: string) => Promise<T>,
  ): Promise<T> {
    const retireeId = this.directory.lookup(deviceId)?.retireeId ?? null;
    const subject = retireeId ?? `device:${deviceId}`;
    const key = `${subject}|${kind}`;
    const run = () => work(retireeId, subject);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(run, run);
    this.queues.set(key, next);
    void next
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      })
      .catch(() => {});
    return next;
  }

  /**
   * Notes a step on the active alert of the device's retiree and `kind`, when there is one (the
   * hub's own words: a wandering retiree back in their safe zone); null when none is active. Runs in
   * the same queue as that subject's candidates, so it follows the opening it answers.
   */
  noteOnActive(
    deviceId: string,
    kind: AlertCandidate['kind'],
    action: string,
    detail: Record<string, unknown>,
  ): Promise<Alert | null> {
    return this.queued(deviceId, kind, async (_retireeId, subject): Promise<Alert | null> => {
      const id = await this.db.transaction(async (tx) => {
        const records = new AlertStore(tx);
        const active = await records.activeFor(subject, kind);
        if (!active) return null;
        await records.addStep(active.id, action, null, this.clock(), { deviceId, ...detail });
        return active.id;
      });
      if (!id) return null;
      const alert = await this.records.byId(id);
      if (alert) this.publish('updated', alert);
      return alert;
    });
  }

  private async apply(
    candidate: AlertCandidate,
    retireeId: string | null,
    subject: string,
  ): Promise<{ change: 'opened' | 'updated'; alert: Alert } | null> {
    const at = new Date(candidate.ts);
    let outcome: { change: 'opened' | 'updated'; id: string } | null;
    try {
      outcome = await this.db.transaction(async (tx) => {
        const records = new AlertStore(tx);
        if (candidate.eventId !== undefined) {
          const fresh = await records.recordEvent(candidate.deviceId, candidate.eventId, candidate.kind, at);
          if (!fresh) return null;
        }
        const active = await records.activeFor(subject, candidate.kind);
        if (active) {
          const severity = moreSevere(candidate.severity, active.severity);
          await records.addRepeat(active.id, at, severity, candidate.detail);
          await records.addStep(active.id, 'repeated', null, this.clock(), {
            deviceId: candidate.deviceId,
            eventId: candidate.eventId ?? null,
          });
          // A sensor that keeps firing is more likely faulty than a home on fire five times over.
          // (Security alerts are the hub's own and are counted in bursts already; readings are
          // judged by detection, see READING_KINDS.)
          const since = new Date(at.getTime() - STORM_WINDOW_MS);
          if (
            readingFault(candidate) ||
            (candidate.kind !== 'security' &&
              !READING_KINDS.has(candidate.kind) &&
              (await records.occurrencesSince(candidate.deviceId, candidate.kind, since)) >= STORM_COUNT)
          ) {
            await records.setHint(active.id, STORM_HINT);
          }
          return { change: 'updated' as const, id: active.id };
        }
        const id = await records.insert({
          retireeId,
          deviceId: candidate.deviceId,
          kind: candidate.kind,
          severity: candidate.severity,
          subject,
          at,
          eventId: candidate.eventId ?? null,
          detail: candidate.detail,
        });
        await records.addStep(id, 'opened', null, this.clock(), {
          deviceId: candidate.deviceId,
          eventId: candidate.eventId ?? null,
        });
        // An impossible reading opens its alert as any other, marked: the retiree may be in trouble
        // and the device wrong, and staff are to check which; a call for help is never dropped.
        if (readingFault(candidate)) await records.setHint(id, STORM_HINT);
        if (candidate.kind === 'test') {
          // A scheduled test press is logged as an alert and closes itself: nobody needs to act.
          await records.move(id, 'resolve', {
            at,
            actorId: null,
            outcome: 'test',
            note: '按键测试',
          });
          await records.addStep(id, 'resolved', null, this.clock(), { outcome: 'test', automatic: true });
        }
        return { change: 'opened' as const, id };
      });
    } catch (error) {
      // Another hub instance opened the same alert between our read and insert: fold into it.
      if (isUniqueViolation(error)) return this.apply(candidate, retireeId, subject);
      throw error;
    }
    if (!outcome) return null;
    const alert = await this.records.byId(outcome.id);
    if (!alert) return null;
    this.publish(outcome.change, alert);
    return { change: outcome.change, alert };
  }

  async acknowledge(id: string, user: User, text = ACK_TEXT): Promise<Alert> {
    const now = this.clock();
    const alert = await this.step(
      id,
      async (records) => {
        if (!(await records.move(id, 'acknowledge', { at: now, actorId: user.id }))) return false;
        await records.addStep(id, 'acknowledged', user.id, now, { text });
        // Whoever acknowledges has it, unless someone took it first.
        if (!(await this.assignedId(records, id))) {
          await records.assign(id, user.id, now);
          await records.addStep(id, 'assigned', user.id, now, { to: user.displayName });
        }
        return true;
      },
      (current) => `alert is ${current.status}, not open`,
    );
    this.bus.emit('device.command', {
      deviceId: alert.deviceId,
      command: { type: 'ack', alertId: alert.id, text },
    });
    return alert;
  }

  /** An operator takes an alert: others see who has it (a supervisor may reassign it). */
  async take(id: string, user: User): Promise<Alert> {
    const now = this.clock();
    return this.step(
      id,
      async (records) => {
        const holder = await this.assignedId(records, id);
        if (holder && holder !== user.id && !mayAccess('alerts.assign', user.role)) {
          throw conflict('another operator has this alert; a supervisor can reassign it');
        }
        if (!(await records.assign(id, user.id, now))) return false;
        await records.addStep(id, 'assigned', user.id, now, { to: user.displayName });
        return true;
      },
      (current) => `alert is ${current.status}`,
    );
  }

  async assign(id: string, by: User, to: User): Promise<Alert> {
    if (!mayAccess('alerts.assign', by.role)) throw forbidden('only a supervisor can reassign');
    const now = this.clock();
    return this.step(
      id,
      async (records) => {
        if (!(await records.assign(id, to.id, now))) return false;
        await records.addStep(id, 'assigned', by.id, now, { to: to.displayName, toId: to.id });
        return true;
      },
      (current) => `alert is ${current.status}`,
    );
  }

  /**
   * Records what was done (5.1.7); the first action moves the alert to in progress. A call names
   * the relative reached (`contact`, as the card showed them then) and how it went.
   */
  async act(id: string, user: User, body: ActionBody, contact?: CalledContact): Promise<Alert> {
    if (body.action === 'handed_to_120' && !body.handover) {
      throw badRequest('handed_to_120 needs the handover: address, condition and history passed on');
    }
    const now = this.clock();
    return this.step(
      id,
      async (records) => {
        const moved = await records.move(id, 'action', { at: now, actorId: user.id });
        if (!moved) return false;
        await records.addStep(id, body.action, user.id, now, {
          ...(body.note ? { note: body.note } : {}),
          ...(contact ? { contact } : {}),
          ...(body.outcome ? { outcome: body.outcome } : {}),
          ...(body.handover ? { handover: body.handover } : {}),
        });
        if (!(await this.assignedId(records, id))) await records.assign(id, user.id, now);
        return true;
      },
      (current) => `alert is ${current.status}`,
    );
  }

  /** Tells the retiree's device that someone is on the way. */
  async helpComing(id: string, user: User, text = HELP_COMING_TEXT): Promise<Alert> {
    const now = this.clock();
    const alert = await this.step(
      id,
      async (records) => {
        const moved = await records.move(id, 'help_coming', { at: now, actorId: user.id });
        if (!moved) return false;
        await records.addStep(id, 'help_coming', user.id, now, { text });
        return true;
      },
      (current) => `alert is ${current.status}`,
    );
    this.bus.emit('device.command', {
      deviceId: alert.deviceId,
      command: { type: 'help_coming', alertId: alert.id, text },
    });
    return alert;
  }

  /** Comments can be added in any state, resolved and cancelled included. */
  async comment(id: string, user: User, text: string): Promise<Alert> {
    const now = this.clock();
    return this.step(
      id,
      async (records) => {
        if (!(await records.byId(id))) return false;
        await records.addStep(id, 'comment', user.id, now, { text });
        return true;
      },
      () => 'alert not found',
    );
  }

  async resolve(id: string, user: User, outcome: Outcome, note: string): Promise<Alert> {
    const now = this.clock();
    return this.step(
      id,
      async (records) => {
        const moved = await records.move(id, 'resolve', {
          at: now,
          actorId: user.id,
          outcome,
          note,
        });
        if (moved) await records.addStep(id, 'resolved', user.id, now, { outcome, note });
        return moved;
      },
      (current) => `alert is already ${current.status}`,
    );
  }

  steps(id: string): Promise<AlertStep[]> {
    return this.records.steps(id);
  }

  /**
   * The retiree pressed cancel: an SOS or fall nobody has acknowledged yet is cancelled; one that
   * staff already handle stays, with the request noted for them. Each press is noted once: the
   * device sending the same event again (its acknowledgement was lost) changes nothing.
   */
  async cancelFromDevice(deviceId: string, eventId: string, at: Date): Promise<Alert[]> {
    const retireeId = this.directory.lookup(deviceId)?.retireeId ?? null;
    const active = await this.records.list({
      status: 'active',
      limit: 50,
      ...(retireeId ? { retireeId } : {}),
    });
    const changed: Alert[] = [];
    for (const alert of active) {
      if (!kindInfo(alert.kind)?.cancellable) continue;
      if (!retireeId && alert.deviceId !== deviceId) continue;
      await this.db.transaction(async (tx) => {
        const records = new AlertStore(tx);
        if (await records.hasEventStep(alert.id, ['cancelled', 'cancel_requested'], eventId)) return;
        if (await records.move(alert.id, 'cancel', { at, actorId: null })) {
          await records.addStep(alert.id, 'cancelled', null, this.clock(), {
            by: 'retiree',
            deviceId,
            eventId,
          });
        } else {
          // `cancel_request`: staff already handle it.
          await records.addStep(alert.id, 'cancel_requested', null, this.clock(), { deviceId, eventId });
        }
      });
      const current = await this.records.byId(alert.id);
      if (current) {
        changed.push(current);
        this.publish('updated', current, current.status !== alert.status);
      }
    }
    return changed;
  }

  private async assignedId(records: AlertStore, id: string): Promise<string | null> {
    return (await records.byId(id))?.assignedToId ?? null;
  }

  /**
   * Runs one change in a transaction; `work` returns false when the alert was not in a state that
   * allows it, which becomes 404 or 409 with `why` naming the state. Publishes the changed alert.
   */
  private async step(
    id: string,
    work: (records: AlertStore) => Promise<boolean>,
    why: (current: Alert) => string,
  ): Promise<Alert> {
    const before = await this.records.byId(id);
    if (!before) throw notFound('alert');
    const done = await this.db.transaction((tx) => work(new AlertStore(tx)));
    const alert = await this.records.byId(id);
    if (!alert) throw notFound('alert');
    if (!done) throw conflict(why(alert));
    this.publish('updated', alert, alert.status !== before.status);
    return alert;
  }

  /** Tells the bus's listeners (the live channel, families, notifications) that an alert changed. */
  private publish(change: 'opened' | 'updated', alert: Alert, statusChanged = false): void {
    this.bus.emit('alert.changed', { change, alert, statusChanged });
  }
}

/** The relative a call reached, kept in the step as named then (a contact may later change). */
export interface CalledContact {
  id: string;
  name: string;
  relation: string;
  phone: string;
}
