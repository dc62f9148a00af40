/**
 * The alert workflow: candidates from detection become alerts (one active alert per retiree and
 * kind; repeats add to it; a redelivered event opens nothing), and staff acknowledge and resolve
 * them. Every step is stored with who and when; acknowledgement reaches the device.
 */

import { severityRank } from '../../devices/alerts.ts';
import type { EventBus } from '../../devices/bus.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import type { Database } from '../db/database.ts';
import type { Directory } from '../devices/directory.ts';
import { conflict, notFound } from '../errors.ts';
import { AlertRecords } from '../records/alerts.ts';
import { isUniqueViolation } from '../records/rows.ts';
import type { Alert, Outcome } from '../schemas/alerts.ts';
import type { User } from '../schemas/auth.ts';

const OWNER = 'alert-workflow';
export const ACK_TEXT = '值班人员已收到，正在处理';

export type AlertListener = (change: 'opened' | 'updated', alert: Alert) => void;

export class AlertWorkflow {
  private readonly records: AlertRecords;
  /** Candidates for the same subject and kind are handled one after another. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listeners: AlertListener[] = [];

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly directory: Directory,
    private readonly onError: (error: unknown, candidate: AlertCandidate) => void,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.records = new AlertRecords(db);
  }

  start(): void {
    this.bus.on('alert.candidate', OWNER, async (candidate) => {
      try {
        await this.handle(candidate);
      } catch (error) {
        this.onError(error, candidate);
      }
    });
  }

  stop(): Promise<void> {
    this.bus.removeOwner(OWNER);
    return Promise.allSettled([...this.queues.values()]).then(() => {});
  }

  onChange(listener: AlertListener): void {
    this.listeners.push(listener);
  }

  /** Turns a candidate into a new alert or a repeat of the active one; null for a redelivered event. */
  handle(candidate: AlertCandidate): Promise<{ change: 'opened' | 'updated'; alert: Alert } | null> {
    const retireeId = this.directory.lookup(candidate.deviceId)?.retireeId ?? null;
    const subject = retireeId ?? `device:${candidate.deviceId}`;
    const key = `${subject}|${candidate.kind}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => this.apply(candidate, retireeId, subject),
      () => this.apply(candidate, retireeId, subject),
    );
    this.queues.set(key, next);
    void next
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      })
      .catch(() => {});
    return next;
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
        const records = new AlertRecords(tx);
        if (candidate.eventId !== undefined) {
          const fresh = await records.recordEvent(candidate.deviceId, candidate.eventId, candidate.kind, at);
          if (!fresh) return null;
        }
        const active = await records.activeFor(subject, candidate.kind);
        if (active) {
          const severity =
            severityRank[candidate.severity] < severityRank[active.severity]
              ? candidate.severity
              : active.severity;
          await records.addRepeat(active.id, at, severity, candidate.detail);
          await records.addStep(active.id, 'repeated', null, this.clock(), {
            deviceId: candidate.deviceId,
            eventId: candidate.eventId ?? null,
          });
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
        await records.addStep(id, 'opened', null, this.clock(), { deviceId: candidate.deviceId });
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
    const moved = await this.db.transaction(async (tx) => {
      const records = new AlertRecords(tx);
      const ok = await records.transition(id, ['open'], 'acknowledged', { at: now, actorId: user.id });
      if (ok) await records.addStep(id, 'acknowledged', user.id, now, { text });
      return ok;
    });
    const alert = await this.records.byId(id);
    if (!alert) throw notFound('alert');
    if (!moved) throw conflict(`alert is ${alert.status}, not open`);
    this.bus.emit('device.command', {
      deviceId: alert.deviceId,
      command: { type: 'ack', alertId: alert.id, text },
    });
    this.publish('updated', alert);
    return alert;
  }

  async resolve(id: string, user: User, outcome: Outcome, note: string): Promise<Alert> {
    const now = this.clock();
    const moved = await this.db.transaction(async (tx) => {
      const records = new AlertRecords(tx);
      const ok = await records.transition(id, ['open', 'acknowledged'], 'resolved', {
        at: now,
        actorId: user.id,
        outcome,
        note,
      });
      if (ok) await records.addStep(id, 'resolved', user.id, now, { outcome, note });
      return ok;
    });
    const alert = await this.records.byId(id);
    if (!alert) throw notFound('alert');
    if (!moved) throw conflict(`alert is already ${alert.status}`);
    this.publish('updated', alert);
    return alert;
  }

  private publish(change: 'opened' | 'updated', alert: Alert): void {
    for (const listener of this.listeners) listener(change, alert);
  }
}
