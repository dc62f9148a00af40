/**
 * Notifications (6.11.2.4: families are told): an alert event fans out to every enabled channel of
 * its audiences whose minimum severity the alert meets. Deliveries run in the background from a
 * bounded queue, so a slow or failing channel never holds up the alert, the caller or the other
 * channels; every attempt is written to the delivery log. `notify` never throws.
 *
 * Given the hub's bus, the service listens itself: families hear when an alert opens and each time
 * it moves on (acknowledged, being handled, resolved, cancelled), not of repeats or comments; an
 * escalation reaches the audiences of its step.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { severityRank } from '../../devices/alerts.ts';
import type { EventBus } from '../../devices/bus.ts';
import type { Database } from '../db/database.ts';
import { FamilyStore } from '../family/store.ts';
import { AddressPolicy, describeRefusal } from './addresses.ts';
import { type MessageContext, type NotificationEvent, subjectOf, textOf, webhookBody } from './message.ts';
import type { NotifySettings } from './settings.ts';
import { type ChannelTarget, NotificationStore } from './store.ts';
import {
  type AttemptResult,
  EmailSender,
  hostAddresses,
  TARGET_NOT_ALLOWED,
  WebhookSender,
} from './transports.ts';

export type { NotificationEvent } from './message.ts';

const OWNER = 'notifications';

interface Job {
  channel: ChannelTarget;
  context: MessageContext;
}

export interface NotificationOptions {
  /** Deliveries sent at the same time. */
  concurrency?: number;
  clock?: () => Date;
  /** Where webhook deliveries refused for their target address are counted (/metrics). */
  registry?: Registry;
  /** The hub's bus: alert changes and escalations are told from `start()` on. */
  bus?: EventBus;
}

export class NotificationService {
  readonly records: NotificationStore;
  private readonly family: FamilyStore;
  private readonly email: EmailSender;
  private readonly webhook: WebhookSender;
  private readonly addresses: AddressPolicy;
  private readonly refusedDeliveries: Counter<'reason'> | undefined;
  private readonly queue: Job[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly clock: () => Date;
  private readonly bus: EventBus | undefined;
  private abort = new AbortController();
  private running = false;

  constructor(
    db: Database,
    private readonly settings: NotifySettings,
    private readonly logger: Pick<Logger, 'error' | 'warn' | 'debug'>,
    options: NotificationOptions = {},
  ) {
    this.records = new NotificationStore(db);
    this.family = new FamilyStore(db);
    this.email = new EmailSender(settings.smtpUrl, settings.smtpFrom, settings.attemptTimeoutMs);
    this.addresses = new AddressPolicy({
      allowed: settings.allowedNetworks,
      ownAddresses: hostAddresses,
    });
    this.webhook = new WebhookSender(settings.attemptTimeoutMs, this.addresses);
    this.refusedDeliveries = options.registry
      ? new Counter({
          name: 'hub_notify_deliveries_refused_total',
          help: 'Webhook attempts not sent because the target address is loopback, private, link-local or the hub itself, by why',
          labelNames: ['reason'],
          registers: [options.registry],
        })
      : undefined;
    this.concurrency = options.concurrency ?? 4;
    this.clock = options.clock ?? (() => new Date());
    this.bus = options.bus;
  }

  start(): void {
    this.abort = new AbortController();
    this.running = true;
    this.bus?.on('alert.changed', OWNER, ({ change, alert, statusChanged }) => {
      if (change === 'opened') void this.notify({ reason: 'opened', alert, audiences: ['family'] });
      else if (statusChanged && alert.status !== 'open') {
        void this.notify({ reason: alert.status, alert, audiences: ['family'] });
      }
    });
    this.bus?.on('alert.escalated', OWNER, ({ alert, level, audiences }) => {
      void this.notify({ reason: 'escalated', alert, level, audiences });
    });
  }

  /** Waiting deliveries are logged as failed; those under way finish their current attempt. */
  async stop(): Promise<void> {
    this.bus?.removeOwner(OWNER);
    this.running = false;
    this.abort.abort();
    const waiting = this.queue.splice(0);
    await Promise.allSettled(
      waiting.map((job) =>
        this.record(job, 1, { ok: false, retryable: false, error: 'hub stopped before delivery' }),
      ),
    );
    await Promise.allSettled([...this.inFlight]);
    this.email.close();
  }

  /** Resolves once the deliveries are queued, not sent. */
  async notify(event: NotificationEvent): Promise<void> {
    try {
      if (!this.running) return;
      const rank = severityRank[event.alert.severity];
      const channels = (await this.records.targets(event.alert.retireeId, event.audiences)).filter(
        (channel) => rank <= severityRank[channel.minSeverity],
      );
      if (channels.length === 0) return;
      const context: MessageContext = {
        event,
        handledBy: await this.family.handlerName(event.alert.id),
        centre: { name: this.settings.centreName, phone: this.settings.centrePhone },
        publicUrl: this.settings.publicUrl,
      };
      for (const channel of channels) {
        const job = { channel, context };
        if (this.queue.length >= this.settings.queueLimit) {
          this.logger.warn({ alertId: event.alert.id, channelId: channel.id }, 'notification queue full');
          await this.record(job, 1, { ok: false, retryable: false, error: 'notification queue full' });
          continue;
        }
        this.queue.push(job);
      }
      this.pump();
    } catch (error) {
      this.logger.error(
        { err: error, alertId: event.alert.id, reason: event.reason },
        'notification not queued',
      );
    }
  }

  /**
   * Why a webhook target may not be stored, judged from the URL alone (no resolver is asked): an IP
   * literal or a `localhost` name in a refused range. Null when it may; a host name is judged again
   * at each delivery, on the addresses it then resolves to.
   */
  targetRefusal(target: URL): string | null {
    const verdict = this.addresses.judgeHost(target.hostname);
    if (!verdict) return null;
    return `${TARGET_NOT_ALLOWED}: ${target.hostname} is ${describeRefusal(verdict.refusal)}; a network of the centre's own can be allowed with HUB_NOTIFY_ALLOWED_NETWORKS`;
  }

  /** Deliveries queued or under way (for /healthz and tests). */
  pending(): number {
    return this.queue.length + this.inFlight.size;
  }

  private pump(): void {
    while (this.running && this.inFlight.size < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      const delivery: Promise<void> = this.deliver(job)
        .catch((error: unknown) =>
          this.logger.error({ err: error, channelId: job.channel.id }, 'delivery failed'),
        )
        .finally(() => {
          this.inFlight.delete(delivery);
          this.pump();
        });
      this.inFlight.add(delivery);
    }
  }

  /** One channel: attempts on the retry schedule while the failure may pass, each one logged. */
  private async deliver(job: Job): Promise<void> {
    const delays = this.settings.retryDelaysMs;
    for (let attempt = 1; attempt <= delays.length; attempt += 1) {
      const waited = await this.wait(delays[attempt - 1] ?? 0);
      if (!waited) {
        await this.record(job, attempt, {
          ok: false,
          retryable: false,
          error: 'hub stopped before delivery',
        });
        return;
      }
      const result = await this.attempt(job, attempt);
      const last = attempt === delays.length;
      await this.record(job, attempt, result, !result.ok && result.retryable && !last);
      if (result.ok || !result.retryable) return;
    }
  }

  private async attempt(job: Job, attempt: number): Promise<AttemptResult> {
    const { channel, context } = job;
    if (channel.kind === 'email') {
      return this.email.send(channel.target, subjectOf(context), textOf(context, channel));
    }
    const now = this.clock();
    const body = JSON.stringify(webhookBody(context, channel, now));
    const result = await this.webhook.send(channel.target, channel.secret, body, now);
    // The delivery log tells staff no more than "not allowed" or "did not answer"; the cause is
    // for IT operators.
    if (!result.ok && result.detail) {
      this.logger.warn(
        { alertId: context.event.alert.id, channelId: channel.id, attempt, ...result.detail.fields },
        result.detail.message,
      );
      const refusal = result.detail.fields.refusal;
      if (typeof refusal === 'string') this.refusedDeliveries?.inc({ reason: refusal });
    }
    return result;
  }

  private async record(job: Job, attempt: number, result: AttemptResult, retrying = false): Promise<void> {
    try {
      await this.records.recordAttempt({
        alertId: job.context.event.alert.id,
        channelId: job.channel.id,
        reason: job.context.event.reason,
        attempt,
        status: result.ok ? 'sent' : retrying ? 'retrying' : 'failed',
        at: this.clock(),
        response: result.ok ? result.response : (result.response ?? null),
        error: result.ok ? null : result.error,
      });
    } catch (error) {
      this.logger.error({ err: error, channelId: job.channel.id }, 'delivery not logged');
    }
  }

  /** Sleeps `ms`; false when the service stopped meanwhile. */
  private wait(ms: number): Promise<boolean> {
    const signal = this.abort.signal;
    if (signal.aborted) return Promise.resolve(false);
    if (ms === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
