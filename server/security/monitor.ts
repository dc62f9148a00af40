/**
 * Turns bursts of security events into alerts of their own: a burst of refused MQTT CONNECTs, a
 * storm of devices dropping at once, a burst of failed staff sign-ins. Each burst is one candidate
 * of kind `security` (severity high) whose subject is the hub itself, handed to the alert workflow,
 * which shows it on the live wall and the queue and folds repeats into the active alert.
 *
 * Refused CONNECTs and disconnections are seen by the instance the device reached. With several
 * instances they are counted in one window shared in Redis (`shared`), so that a storm or a
 * guesser spread over the instances makes a burst as it would on one; each instance keeps its own
 * window too, which judges while Redis does not answer. Failed sign-ins are read from the audit
 * log, where every instance writes them, by the one instance that runs the jobs that must run once.
 */
import type { Counter, Registry } from 'prom-client';
import promClient from 'prom-client';
import { severityOf } from '../../devices/alerts.ts';
import type { EventBus } from '../../devices/bus.ts';
import { HUB_DEVICE_ID } from '../devices/revocations.ts';
import { type BurstVerdict, BurstWatch, type SharedBursts } from './burst.ts';
import type { SecuritySettings } from './settings.ts';
import type { LoginFailureSource, SecuritySignal, SecuritySignalKind } from './signals.ts';

const OWNER = 'security-monitor';

/** What each burst is called in the alert's detail. */
export const BURST_EVENTS: Record<SecuritySignalKind, string> = {
  mqtt_auth_failure: 'mqtt_auth_failures',
  device_disconnect: 'disconnect_storm',
  login_failed: 'login_failures',
};

/** At most this many examples (addresses, devices, accounts) go into an alert's detail. */
const SAMPLE = 10;
const POLL_BATCH = 500;

export interface SecurityMonitorOptions {
  bus: EventBus;
  settings: SecuritySettings;
  logins?: LoginFailureSource;
  onError: (error: unknown) => void;
  /** Where `hub_security_bursts_total{event}` is counted. */
  registry?: Registry;
  /** The window of refused CONNECTs and disconnections shared by the instances. */
  shared?: SharedBursts;
}

export class SecurityMonitor {
  private readonly watches: Record<SecuritySignalKind, BurstWatch>;
  private readonly recentSignals: SecuritySignal[] = [];
  private timer: NodeJS.Timeout | undefined;
  private loginSeq = 0;
  private polling: Promise<void> = Promise.resolve();
  private readonly bursts: Counter<'event'> | undefined;

  constructor(private readonly options: SecurityMonitorOptions) {
    const { settings } = options;
    this.bursts = options.registry
      ? new promClient.Counter({
          name: 'hub_security_bursts_total',
          help: 'Bursts of security events that raised a security alert, by event',
          labelNames: ['event'],
          registers: [options.registry],
        })
      : undefined;
    this.watches = {
      mqtt_auth_failure: new BurstWatch(settings.authFailures),
      device_disconnect: new BurstWatch(settings.disconnects, true),
      login_failed: new BurstWatch(settings.loginFailures),
    };
  }

  /** Listens to this instance's devices: refused CONNECTs and disconnections. */
  start(): void {
    this.options.bus.on('device.status', OWNER, ({ deviceId, online, ts }) => {
      if (!online) void this.record({ kind: 'device_disconnect', at: ts, subject: deviceId });
    });
    this.options.bus.on('device.refused', OWNER, (refusal) => {
      void this.record({
        kind: 'mqtt_auth_failure',
        at: refusal.at,
        address: refusal.address,
        subject: refusal.deviceId ?? refusal.clientId,
        reason: refusal.reason,
      });
    });
  }

  /**
   * Reads failed sign-ins, on whichever instance they happened, from the audit log: on the one
   * instance that runs the jobs that must run once. It starts with the failures of the window just
   * past, so a burst under way when the reading moves from one instance to another is still seen.
   */
  async startLogins(now = Date.now()): Promise<void> {
    const logins = this.options.logins;
    if (!logins) return;
    const windowMs = this.options.settings.loginFailures.windowMs;
    this.loginSeq = await logins.positionBefore(now - windowMs).catch((error: unknown) => {
      this.options.onError(error);
      return 0;
    });
    this.timer = setInterval(() => {
      void this.poll();
    }, this.options.settings.pollMs);
    this.timer.unref();
  }

  async stopLogins(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  async stop(): Promise<void> {
    this.options.bus.removeOwner(OWNER);
    await this.stopLogins();
  }

  /** Reads new failed sign-ins from their source now (also run on a timer). */
  poll(): Promise<void> {
    const logins = this.options.logins;
    if (!logins) return Promise.resolve();
    this.polling = this.polling.then(async () => {
      try {
        for (;;) {
          const { signals, lastSeq } = await logins.since(this.loginSeq, POLL_BATCH);
          this.loginSeq = lastSeq;
          for (const signal of signals) void this.record(signal);
          if (signals.length < POLL_BATCH) break;
        }
      } catch (error) {
        this.options.onError(error);
      }
    });
    return this.polling;
  }

  /**
   * One security event; raises an alert when it makes a burst. Judged at once by this instance's
   * window, or, for a device's event with a shared window, once Redis answered (resolved then).
   */
  record(signal: SecuritySignal): Promise<void> | undefined {
    this.recentSignals.push(signal);
    if (this.recentSignals.length > 500) this.recentSignals.splice(0, this.recentSignals.length - 500);
    const watch = this.watches[signal.kind];
    const key = signal.kind === 'device_disconnect' ? (signal.subject ?? undefined) : undefined;
    const local = watch.record(signal.at, key);
    const shared = this.options.shared;
    if (!shared || signal.kind === 'login_failed') {
      this.raise(signal, local);
      return undefined;
    }
    return shared
      .record(signal.kind, this.settingsOf(signal.kind), signal.at, key)
      .then((verdict) => this.raise(signal, verdict ?? local))
      .catch(this.options.onError);
  }

  private raise(signal: SecuritySignal, verdict: BurstVerdict): void {
    if (!verdict.fired) return;
    const settings = this.settingsOf(signal.kind);
    this.bursts?.inc({ event: BURST_EVENTS[signal.kind] });
    const inWindow = this.recentSignals.filter(
      (item) => item.kind === signal.kind && item.at > signal.at - settings.windowMs,
    );
    const distinct = (values: (string | null | undefined)[]) =>
      [...new Set(values.filter((value): value is string => Boolean(value)))].slice(0, SAMPLE);
    this.options.bus.emit('alert.candidate', {
      deviceId: HUB_DEVICE_ID,
      kind: 'security',
      severity: severityOf('security'),
      ts: signal.at,
      detail: {
        event: BURST_EVENTS[signal.kind],
        count: verdict.count,
        threshold: settings.threshold,
        windowSeconds: Math.round(settings.windowMs / 1000),
        addresses: distinct(inWindow.map((item) => item.address)),
        subjects: distinct(inWindow.map((item) => item.subject)),
        reasons: distinct(inWindow.map((item) => item.reason)),
      },
    });
  }

  /** Security events seen recently, newest first. */
  recent(limit = 100): SecuritySignal[] {
    return this.recentSignals.slice(-limit).reverse();
  }

  private settingsOf(kind: SecuritySignalKind) {
    const { settings } = this.options;
    if (kind === 'mqtt_auth_failure') return settings.authFailures;
    if (kind === 'device_disconnect') return settings.disconnects;
    return settings.loginFailures;
  }
}
