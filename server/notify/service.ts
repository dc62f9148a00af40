/**
 * Notifications (6.11.2.4: families are told): an alert event fans out to every enabled channel of
 * its audiences whose minimum severity the alert meets. Deliveries run in the background from a
 * bounded queue, so a slow or failing channel never holds up the alert, the caller or the other
 * channels; every attempt is written to the delivery log. `notify` never throws.
 *
 * Given the hub's bus, the service listens itself: families hear when an alert opens and each time
 * it moves on (acknowledged, being handled, resolved, cancelled), not of repeats or comments; an
 * escalation (and each of its reminders) reaches the audiences of its step, resolved then: the
 * staff on duty, the supervisor, the managers, named staff, each on their own channels, and the
 * centre's channels for those roles. A staff member's message carries a link that acts on the
 * alert from the phone (./links.ts). Channels: e-mail, signed webhooks, the DingTalk, WeCom and
 * Feishu robots, SMS and voice calls through the centre's providers (./providers/), SMS and voice
 * failing over to the next provider. A voice call is made only for a critical alert at the
 * ladder's last step; quiet hours hold back everything but critical alerts.
 *
 * Every delivery is written to the outbox (./outbox.ts) before it is tried and taken out with the
 * attempt that ends it, so a delivery outlives its process: one this instance holds in memory is
 * sent from memory; any instance takes, once due, those of an instance that stopped or died and
 * those that did not fit in memory.
 */

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { severityRank } from '../../devices/alerts.ts';
import type { EventBus } from '../../devices/bus.ts';
import type { Vault } from '../auth/vault.ts';
import { CENTRE_UTC_OFFSET_MINUTES } from '../calendar.ts';
import type { Database } from '../db/database.ts';
import { FamilyStore } from '../family/store.ts';
import { AddressPolicy, describeRefusal } from './addresses.ts';
import { staffReached } from './audiences.ts';
import { AlertLinks } from './links.ts';
import {
  type MessageContext,
  type NotificationEvent,
  providerMessage,
  staffLines,
  staffTitle,
  subjectOf,
  textOf,
  webhookBody,
} from './message.ts';
import { NotificationOutbox, type OutboxEntry } from './outbox.ts';
import { ProviderSettings } from './provider-settings.ts';
import { buildRequest, type ProviderConfigs, type ProviderKind, readAnswer } from './providers/index.ts';
import type { NotifySettings } from './settings.ts';
import { NotificationStore } from './store.ts';
import {
  type AttemptResult,
  EmailSender,
  hostAddresses,
  TARGET_NOT_ALLOWED,
  WebhookSender,
} from './transports.ts';

export type { NotificationEvent } from './message.ts';

const OWNER = 'notifications';

/**
 * A delivery held by this instance: its outbox row, whose `link` (the page that acts on the alert,
 * for a staff member's channel) is issued once per delivery; `fresh` when the first attempt's delay
 * is still to be waited (a row taken from the outbox is due already).
 */
type Job = OutboxEntry & { fresh: boolean };

/** An attempt's result, with the provider that took it and what it said it cost. */
type Attempted = AttemptResult & { provider?: string; cost?: string };

/** Whether `now` falls in quiet hours (minutes after midnight, centre time; may cross midnight). */
export function inQuietHours(quiet: { from: number; to: number } | null, now: Date): boolean {
  if (!quiet || quiet.from === quiet.to) return false;
  const minute = Math.floor((now.getTime() / 60_000 + CENTRE_UTC_OFFSET_MINUTES) % 1440);
  return quiet.from < quiet.to
    ? minute >= quiet.from && minute < quiet.to
    : minute >= quiet.from || minute < quiet.to;
}

export interface NotificationOptions {
  /** Deliveries sent at the same time. */
  concurrency?: number;
  clock?: () => Date;
  /** Where webhook deliveries refused for their target address are counted (/metrics). */
  registry?: Registry;
  /** The hub's bus: alert changes and escalations are told from `start()` on. */
  bus?: EventBus;
  /** The hub's key: robot secrets and provider credentials are sealed with it, links signed. */
  vault?: Pick<Vault, 'seal' | 'open' | 'fingerprint'>;
  /**
   * This instance in hub_instances, and how long an instance may stay silent there before the
   * deliveries it holds are taken by another (default: an id of the service's own, 15 s).
   */
  instance?: { id: string; staleMs: number };
  /** How often the outbox is looked at for deliveries due and held by nobody (default 1 s). */
  outboxEveryMs?: number;
  /**
   * Other instances may write to the same records (a PostgreSQL server): the outbox is looked at
   * on every tick. Alone, it is looked at only while rows this instance does not hold are known to
   * wait there (left by the previous run, or more than fitted in memory).
   */
  shared?: boolean;
}

export class NotificationService {
  readonly records: NotificationStore;
  /** The centre's SMS and voice providers; absent without the hub's key. */
  readonly providers: ProviderSettings | undefined;
  readonly links: AlertLinks | undefined;
  private readonly vault: NotificationOptions['vault'];
  private readonly family: FamilyStore;
  private readonly email: EmailSender;
  private readonly webhook: WebhookSender;
  private readonly addresses: AddressPolicy;
  private readonly refusedDeliveries: Counter<'reason'> | undefined;
  private readonly resumedDeliveries: Counter | undefined;
  private readonly outbox: NotificationOutbox;
  private readonly outboxEveryMs: number;
  private outboxTimer: NodeJS.Timeout | undefined;
  private readonly shared: boolean;
  /** Alone: whether rows held by nobody, or by a run gone, may wait in the outbox. */
  private othersWaiting = true;
  private taking: Promise<void> = Promise.resolve();
  private readonly queue: Job[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly clock: () => Date;
  private readonly bus: EventBus | undefined;
  private abort = new AbortController();
  private running = false;

  constructor(
    private readonly db: Database,
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
    this.resumedDeliveries = options.registry
      ? new Counter({
          name: 'hub_notify_deliveries_resumed_total',
          help: 'Deliveries this instance took from the outbox: left by an instance that stopped or died, or more than fitted in memory',
          registers: [options.registry],
        })
      : undefined;
    this.outbox = new NotificationOutbox(db, {
      instanceId: options.instance?.id ?? randomUUID(),
      staleMs: options.instance?.staleMs ?? 15_000,
    });
    this.outboxEveryMs = options.outboxEveryMs ?? 1000;
    this.shared = options.shared ?? false;
    this.concurrency = options.concurrency ?? 4;
    this.clock = options.clock ?? (() => new Date());
    this.bus = options.bus;
    this.vault = options.vault;
    this.providers = options.vault ? new ProviderSettings(db, options.vault) : undefined;
    this.links = options.vault ? new AlertLinks(db, options.vault) : undefined;
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
    this.bus?.on('alert.escalated', OWNER, ({ alert, level, audiences, step, reminder, last }) => {
      void this.notify({ reason: 'escalated', alert, level, audiences, step, reminder, last });
    });
    this.othersWaiting = true;
    this.takeFromOutbox();
    this.outboxTimer = setInterval(() => {
      if (this.shared || this.othersWaiting) this.takeFromOutbox();
    }, this.outboxEveryMs);
    this.outboxTimer.unref();
  }

  /**
   * Deliveries under way finish their current attempt; the others (waiting in memory, or for their
   * next attempt) are let go in the outbox, for the next start or another instance.
   */
  async stop(): Promise<void> {
    this.bus?.removeOwner(OWNER);
    this.running = false;
    clearInterval(this.outboxTimer);
    this.outboxTimer = undefined;
    this.abort.abort();
    await this.taking;
    const waiting = this.queue.splice(0);
    await Promise.allSettled([...this.inFlight]);
    await this.outbox
      .release(waiting.map((job) => job.id))
      .catch((error: unknown) => this.logger.error({ err: error }, 'waiting deliveries not let go'));
    this.email.close();
  }

  /** Takes the outbox's deliveries due and held by nobody, as many as fit in memory. */
  private takeFromOutbox(): void {
    this.taking = this.taking.then(async () => {
      const room = this.settings.queueLimit - this.queue.length;
      if (!this.running || room <= 0) return;
      try {
        const taken = await this.outbox.take(room);
        if (!this.shared) this.othersWaiting = taken.length >= room || (await this.outbox.notHeld()) > 0;
        if (taken.length === 0) return;
        if (!this.running) {
          await this.outbox.release(taken.map((entry) => entry.id));
          return;
        }
        this.resumedDeliveries?.inc(taken.length);
        for (const entry of taken) this.queue.push({ ...entry, fresh: false });
        this.pump();
      } catch (error) {
        this.logger.error({ err: error }, 'outbox not read');
      }
    });
  }

  /** Resolves once the deliveries are queued, not sent. */
  async notify(event: NotificationEvent): Promise<void> {
    try {
      if (!this.running) return;
      const { alert, step } = event;
      if (step?.severities && !step.severities.includes(alert.severity)) return;
      const now = this.clock();
      const staff = step ? await staffReached(this.db, step.notify, step.users ?? [], now, alert.kind) : [];
      const rank = severityRank[alert.severity];
      const critical = alert.severity === 'critical';
      const channels = (
        await this.records.targets(
          alert.retireeId,
          event.audiences,
          staff.map((member) => member.id),
        )
      ).filter(
        (channel) =>
          rank <= severityRank[channel.minSeverity] &&
          (!step?.channels || step.channels.includes(channel.kind)) &&
          // A phone rings only for a critical alert nobody took by the ladder's last step.
          (channel.kind !== 'voice' || (critical && event.reason === 'escalated' && event.last === true)) &&
          (critical || !inQuietHours(channel.quiet, now)),
      );
      if (channels.length === 0) return;
      const context: MessageContext = {
        event,
        handledBy: await this.family.handlerName(event.alert.id),
        centre: { name: this.settings.centreName, phone: this.settings.centrePhone },
        publicUrl: this.settings.publicUrl,
      };
      // Written before they are tried; what does not fit in memory waits in the outbox.
      const room = Math.max(0, this.settings.queueLimit - this.queue.length);
      const entries = await this.outbox.add(
        channels.map((channel) => ({ channel, context })),
        room,
        this.settings.retryDelaysMs[0] ?? 0,
      );
      if (entries.length > room) {
        this.othersWaiting = true;
        this.logger.warn(
          { alertId: event.alert.id, waiting: entries.length - room },
          'notification queue full: deliveries wait in the outbox',
        );
      }
      for (const entry of entries.slice(0, room)) this.queue.push({ ...entry, fresh: true });
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

  /** Whether a robot or provider address at `hostname` may use plain http (a centre-allowed IP). */
  allowsPlainHttp(hostname: string): boolean {
    return this.addresses.inAllowedNetwork(hostname);
  }

  /** A robot's signing secret as stored: sealed with the hub's key. */
  seal(secret: string): string {
    if (!this.vault) throw new Error('no key to seal channel secrets with');
    return this.vault.seal(secret);
  }

  /** Deliveries this instance holds, queued or under way (for tests). */
  pending(): number {
    return this.queue.length + this.inFlight.size;
  }

  /** Deliveries not finished, of every instance (for tests). */
  unfinished(): Promise<number> {
    return this.outbox.size();
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

  /**
   * One channel: attempts on the retry schedule while the failure may pass, each one logged with
   * the outbox row moved on (next attempt due) or taken out, in one transaction. When the service
   * stops while a delivery waits for its next attempt, the row is let go for another to take.
   */
  private async deliver(job: Job): Promise<void> {
    const delays = this.settings.retryDelaysMs;
    if (job.link === null) {
      job.link = await this.linkFor(job);
      if (job.link) await this.outbox.setLink(job.id, job.link);
    }
    for (let attempt = job.attempt; ; attempt += 1) {
      const waited = await this.wait(attempt === job.attempt && !job.fresh ? 0 : (delays[attempt - 1] ?? 0));
      if (!waited) {
        await this.outbox.release([job.id]);
        return;
      }
      const result = await this.attempt(job, attempt);
      const last = attempt >= delays.length;
      const retrying = !result.ok && result.retryable && !last;
      await this.record(job, attempt, result, retrying);
      if (!retrying) return;
    }
  }

  /** A staff member's link to act on the alert; null for others, or without a public address. */
  private async linkFor(job: Job): Promise<string | null> {
    const { channel, context } = job;
    const { alert } = context.event;
    if (!channel.user || !this.links || !context.publicUrl) return null;
    if (alert.status === 'resolved' || alert.status === 'cancelled') return null;
    try {
      const token = await this.links.issue(alert.id, channel.user.id, channel.id, this.clock());
      return `${context.publicUrl}/m/${token}`;
    } catch (error) {
      this.logger.error({ err: error, alertId: alert.id, channelId: channel.id }, 'alert link not issued');
      return null;
    }
  }

  private async attempt(job: Job, attempt: number): Promise<Attempted> {
    const { channel, context } = job;
    const staff = channel.audience !== 'family';
    if (channel.kind === 'email') {
      if (staff) {
        const lines = staffLines(context, job.link ?? null, this.clock());
        return this.email.send(channel.target, staffTitle(context), lines.join('\n'));
      }
      return this.email.send(channel.target, subjectOf(context), textOf(context, channel));
    }
    if (channel.kind === 'dingtalk' || channel.kind === 'wecom' || channel.kind === 'feishu') {
      const secret = channel.secret && this.vault ? this.vault.open(channel.secret) : undefined;
      const config = {
        webhook: channel.target,
        ...(secret ? { secret } : {}),
        style: job.link ? 'card' : 'markdown',
      };
      return this.viaProvider(channel.kind, config as ProviderConfigs['dingtalk'], job, '');
    }
    if (channel.kind === 'sms' || channel.kind === 'voice') return this.viaPhone(channel.kind, job);
    const now = this.clock();
    const body = JSON.stringify(webhookBody(context, channel, now, job.id));
    const result = await this.webhook.send(channel.target, channel.secret, body, now, job.id);
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

  /**
   * SMS or a voice call through the centre's providers, first by priority: a provider that refuses
   * or does not answer hands the message to the next. The result is the first success, else the
   * last failure, retryable when any provider's failure was.
   */
  private async viaPhone(kind: 'sms' | 'voice', job: Job): Promise<Attempted> {
    const providers = (await this.providers?.forChannel(kind)) ?? [];
    if (providers.length === 0) {
      return {
        ok: false,
        retryable: false,
        error: `${kind === 'sms' ? 'SMS' : 'voice calls'} not set up: no provider in the notification settings`,
      };
    }
    let failed: Attempted | undefined;
    let retryable = false;
    for (const provider of providers) {
      const result = await this.viaProvider(provider.kind, provider.config as never, job, job.channel.target);
      if (result.ok) return result;
      retryable ||= result.retryable;
      failed = result;
    }
    return { ...(failed as Extract<Attempted, { ok: false }>), retryable };
  }

  /** One provider's request for the job, sent under the address policy, its answer read. */
  private async viaProvider<K extends ProviderKind>(
    kind: K,
    config: ProviderConfigs[K],
    job: Job,
    target: string,
  ): Promise<Attempted> {
    const now = this.clock();
    let request: ReturnType<typeof buildRequest>;
    try {
      const message = providerMessage(job.context, job.channel, job.link ?? null, now);
      // Plain http only to an address of a network the centre allowed itself (HUB_NOTIFY_ALLOWED_NETWORKS).
      const given = config as { webhook?: string; endpoint?: string };
      const host = URL.canParse(given.webhook ?? given.endpoint ?? '')
        ? new URL((given.webhook ?? given.endpoint) as string).hostname
        : null;
      const allowHttp = host && this.addresses.inAllowedNetwork(host) ? [host] : [];
      request = buildRequest(kind, config, message, target, now, randomUUID(), { allowHttp });
    } catch (error) {
      return {
        ok: false,
        retryable: false,
        error: error instanceof Error ? error.message : String(error),
        provider: kind,
      };
    }
    const exchanged = await this.webhook.exchange(request.url, request.headers, request.body, true);
    if (!('status' in exchanged)) return { ...exchanged, provider: kind };
    const answer = readAnswer(kind, exchanged.status, exchanged.text);
    if (answer.ok) {
      return {
        ok: true,
        response: answer.response,
        provider: kind,
        ...(answer.cost ? { cost: answer.cost } : {}),
      };
    }
    return { ...answer, provider: kind };
  }

  /** Logs an attempt, and moves the outbox row on to the next attempt or takes it out. */
  private async record(job: Job, attempt: number, result: Attempted, retrying: boolean): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        await new NotificationStore(tx).recordAttempt({
          alertId: job.context.event.alert.id,
          channelId: job.channel.id,
          reason: job.context.event.reason,
          attempt,
          status: result.ok ? 'sent' : retrying ? 'retrying' : 'failed',
          at: this.clock(),
          response: result.ok ? result.response : (result.response ?? null),
          error: result.ok ? null : result.error,
          provider: result.provider ?? null,
          cost: result.cost ?? null,
        });
        if (retrying) {
          await this.outbox.retryLater(tx, job.id, attempt + 1, this.settings.retryDelaysMs[attempt] ?? 0);
        } else await this.outbox.finish(tx, job.id);
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
