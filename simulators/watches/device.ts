/**
 * One simulated watch or pendant on its own TCP connection, as the real ones behave: it connects,
 * logs in, links periodically, reports its place and heart rate, and raises alarms. An alarm the
 * hub does not answer is sent again every `alarmRepeatMs` until it is answered or `alarmAttempts`
 * run out (then it counts as unanswered): the hub answers an alarm only once its alert is stored.
 * A dropped connection is opened again after `reconnectMs`.
 */
import net from 'node:net';
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import type { Fix } from './frames.ts';
import {
  type AlarmAttempt,
  type Conversation,
  type Speaker,
  speakerFor,
  type WatchAlarm,
} from './speakers.ts';

export interface WatchEndpoint {
  host: string;
  port: number;
}

export interface WatchDeviceOptions {
  id: string;
  protocol: WatchProtocolName;
  endpoint: WatchEndpoint;
  /** Between two links (3G `LK`, IW `AP03`, JT/T 808 0x0002); 0 for none. */
  linkIntervalMs: number;
  /** Between two position reports; 0 for none. */
  positionIntervalMs?: number;
  /** Between two heart-rate measurements (watches only); 0 for none. */
  heartRateIntervalMs?: number;
  /** Between two sendings of an unanswered alarm. */
  alarmRepeatMs?: number;
  /** Sendings of one alarm before it is given up as unanswered. */
  alarmAttempts?: number;
  /** How long the login may take before the connection is dropped and tried again. */
  loginTimeoutMs?: number;
  reconnectMs?: number;
  /** Where the device is at home; it reports places near it. */
  home?: { lat: number; lon: number };
  clock?: () => number;
  /** Lines for the operator: connected, alarm answered or not, dropped. */
  log?: (line: string) => void;
}

export interface AlarmOutcome {
  alarm: WatchAlarm;
  /** Sendings, the first included. */
  attempts: number;
  answered: boolean;
  /** Epoch ms of the first sending and of the answer. */
  sentAt: number;
  answeredAt?: number;
}

export interface WatchDeviceStats {
  connected: boolean;
  logins: number;
  sent: number;
  links: number;
  linksAnswered: number;
  alarms: number;
  alarmsAnswered: number;
  alarmsUnanswered: number;
  /** Sendings of an alarm after its first. */
  alarmRepeats: number;
  /** Commands from the hub the device confirmed. */
  commands: number;
}

/** A device's counts, or a fleet's, before anything was sent. */
export function noCounts(): Omit<WatchDeviceStats, 'connected'> {
  return {
    logins: 0,
    sent: 0,
    links: 0,
    linksAnswered: 0,
    alarms: 0,
    alarmsAnswered: 0,
    alarmsUnanswered: 0,
    alarmRepeats: 0,
    commands: 0,
  };
}

/** Chengdu, the centre's city: where a device without a home lives. */
export const DEFAULT_HOME = { lat: 30.6598, lon: 104.0633 };

const METRES_PER_DEGREE = 111_320;

/** The point `metres` from `from` along `bearingDegrees` (clockwise from north), on a flat earth: close by, that is near enough. */
export function offset(
  from: { lat: number; lon: number },
  metres: number,
  bearingDegrees: number,
): { lat: number; lon: number } {
  const bearing = (bearingDegrees * Math.PI) / 180;
  const north = metres * Math.cos(bearing);
  const east = metres * Math.sin(bearing);
  return {
    lat: from.lat + north / METRES_PER_DEGREE,
    lon: from.lon + east / (METRES_PER_DEGREE * Math.cos((from.lat * Math.PI) / 180)),
  };
}

interface Waiter {
  matches(frame: Buffer): boolean;
  resolve(frame: Buffer): void;
  reject(error: Error): void;
}

interface PendingAlarm {
  alarm: WatchAlarm;
  attempt: AlarmAttempt;
  outcome: AlarmOutcome;
  timer?: NodeJS.Timeout;
  settle(outcome: AlarmOutcome): void;
}

export class SimulatedWatchDevice {
  readonly id: string;
  readonly protocol: WatchProtocolName;
  readonly speaker: Speaker;
  battery = 90;
  steps = 0;
  heartRate = 72;
  /** Where the device is now; a walk moves it. */
  place: { lat: number; lon: number };
  private socket: net.Socket | undefined;
  private waiters: Waiter[] = [];
  private timers: NodeJS.Timeout[] = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private online = false;
  private readonly clock: () => number;
  /** Alarms wait their turn: a device sends the next once the one before is answered or given up. */
  private readonly alarmQueue: PendingAlarm[] = [];
  private readonly counters = noCounts();

  constructor(private readonly options: WatchDeviceOptions) {
    this.id = options.id;
    this.protocol = options.protocol;
    this.speaker = speakerFor(options.protocol, options.id);
    this.clock = options.clock ?? Date.now;
    this.place = { ...(options.home ?? DEFAULT_HOME) };
  }

  get connected(): boolean {
    return this.online;
  }

  stats(): WatchDeviceStats {
    return { connected: this.online, ...this.counters };
  }

  /** Connects and logs in; resolves once logged in, rejects when the first try fails (it keeps trying). */
  start(): Promise<void> {
    this.stopped = false;
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.clearTimers();
    for (const pending of this.alarmQueue.splice(0)) {
      clearTimeout(pending.timer);
      this.giveUp(pending);
    }
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  /** Ends the connection without a word, as a watch losing coverage does; it comes back after `reconnectMs`. */
  drop(): void {
    this.socket?.destroy();
  }

  fix(): Fix {
    return { ts: this.clock(), ...this.place, battery: this.battery, steps: this.steps };
  }

  link(): void {
    if (!this.online) return;
    this.counters.links += 1;
    this.write(this.speaker.link({ battery: this.battery, steps: this.steps }));
  }

  reportPosition(fix: Fix = this.fix()): void {
    if (this.online) this.write(this.speaker.position(fix));
  }

  reportHeartRate(bpm = this.heartRate): void {
    const bytes = this.speaker.heartRate(bpm);
    if (bytes && this.online) this.write(bytes);
  }

  /**
   * Raises `alarm` where the device is; resolves with its outcome once the hub answered it or its
   * attempts ran out. Refused at once for an alarm the protocol cannot carry.
   */
  raise(alarm: WatchAlarm): Promise<AlarmOutcome> {
    if (!this.speaker.alarms.has(alarm)) {
      return Promise.reject(new Error(`${this.speaker.deviceType} cannot raise ${alarm}`));
    }
    if (alarm === 'low_battery') this.battery = Math.min(this.battery, 9);
    return new Promise((resolve) => {
      const fix = this.fix();
      const pending: PendingAlarm = {
        alarm,
        attempt: this.speaker.alarm(alarm, fix),
        outcome: { alarm, attempts: 0, answered: false, sentAt: this.clock() },
        settle: resolve,
      };
      this.counters.alarms += 1;
      this.alarmQueue.push(pending);
      if (this.alarmQueue.length === 1) this.sendAlarm(pending);
    });
  }

  private sendAlarm(pending: PendingAlarm): void {
    const attempts = this.options.alarmAttempts ?? 10;
    if (pending.outcome.attempts >= attempts) {
      this.finishAlarm(pending, false);
      return;
    }
    if (this.online) {
      if (pending.outcome.attempts > 0) this.counters.alarmRepeats += 1;
      else pending.outcome.sentAt = this.clock();
      pending.outcome.attempts += 1;
      this.write(pending.attempt.bytes);
    }
    // Offline, the device keeps the alarm and sends it once it is connected again.
    pending.timer = setTimeout(() => this.sendAlarm(pending), this.options.alarmRepeatMs ?? 20_000);
    pending.timer.unref?.();
  }

  private finishAlarm(pending: PendingAlarm, answered: boolean): void {
    clearTimeout(pending.timer);
    if (this.alarmQueue[0] === pending) this.alarmQueue.shift();
    if (answered) {
      this.counters.alarmsAnswered += 1;
      pending.outcome.answered = true;
      pending.outcome.answeredAt = this.clock();
      this.options.log?.(
        `✓ ${this.id} (${this.protocol}) ${pending.alarm} answered after ${pending.outcome.attempts} sending(s)`,
      );
      pending.settle(pending.outcome);
    } else {
      this.giveUp(pending);
    }
    const next = this.alarmQueue[0];
    if (next && !this.stopped) this.sendAlarm(next);
  }

  private giveUp(pending: PendingAlarm): void {
    this.counters.alarmsUnanswered += 1;
    this.options.log?.(
      `✗ ${this.id} (${this.protocol}) ${pending.alarm} unanswered after ${pending.outcome.attempts} sending(s)`,
    );
    pending.settle(pending.outcome);
  }

  private write(bytes: Buffer): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    this.counters.sent += 1;
    socket.write(bytes);
  }

  private connect(): Promise<void> {
    const { host, port } = this.options.endpoint;
    const socket = net.connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    const conversation: Conversation = {
      send: (bytes) => this.write(bytes),
      expect: (matches, timeoutMs) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiters = this.waiters.filter((waiter) => waiter !== entry);
            reject(new Error(`no answer from the hub within ${timeoutMs} ms`));
          }, timeoutMs);
          const entry: Waiter = {
            matches,
            resolve: (frame) => {
              clearTimeout(timer);
              resolve(frame);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
          };
          this.waiters.push(entry);
        }),
    };
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.speaker.frames(chunk)) this.received(frame);
    });
    const closed = new Promise<Error>((resolve) => {
      socket.once('close', () => resolve(new Error('the hub closed the connection')));
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      if (this.socket !== socket) return;
      const wasOnline = this.online;
      this.online = false;
      this.clearTimers();
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the connection closed'));
      if (wasOnline && !this.stopped) this.options.log?.(`… ${this.id} (${this.protocol}) disconnected`);
      if (!this.stopped) {
        this.reconnectTimer = setTimeout(
          () => void this.connect().catch(() => {}),
          this.options.reconnectMs ?? 5000,
        );
        this.reconnectTimer.unref?.();
      }
    });
    const opened = new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return opened
      .then(() =>
        Promise.race([
          this.speaker.login(conversation, this.options.loginTimeoutMs ?? 10_000),
          closed.then((error) => Promise.reject(error)),
        ]),
      )
      .then(
        () => {
          this.online = true;
          this.counters.logins += 1;
          this.options.log?.(`✓ ${this.id} (${this.protocol}) connected to ${host}:${port}`);
          this.startTimers();
          // An alarm raised while offline goes out now.
          const first = this.alarmQueue[0];
          if (first) {
            clearTimeout(first.timer);
            this.sendAlarm(first);
          }
        },
        (error: unknown) => {
          socket.destroy();
          throw error;
        },
      );
  }

  private received(frame: Buffer): void {
    const waiter = this.waiters.find((candidate) => candidate.matches(frame));
    if (waiter) {
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      waiter.resolve(frame);
      return;
    }
    if (this.speaker.isLinkAnswer(frame)) {
      this.counters.linksAnswered += 1;
      return;
    }
    const pending = this.alarmQueue[0];
    if (pending && pending.outcome.attempts > 0 && pending.attempt.answers(frame)) {
      this.finishAlarm(pending, true);
      return;
    }
    // A command from the staff: the device confirms it, as its maker's firmware does.
    const confirmation = this.speaker.confirm(frame);
    if (confirmation) {
      this.counters.commands += 1;
      this.socket?.write(confirmation);
      this.options.log?.(`↩ ${this.id} (${this.protocol}) confirmed a command from the hub`);
    }
  }

  private startTimers(): void {
    const every = (ms: number | undefined, action: () => void) => {
      if (!ms) return;
      // Devices started together spread their first sending over the period, as real ones do.
      const first = setTimeout(
        () => {
          action();
          const timer = setInterval(action, ms);
          timer.unref?.();
          this.timers.push(timer);
        },
        Math.floor(Math.random() * ms),
      );
      first.unref?.();
      this.timers.push(first);
    };
    every(this.options.linkIntervalMs, () => this.link());
    every(this.options.positionIntervalMs, () => this.reportPosition());
    every(this.options.heartRateIntervalMs, () => {
      this.heartRate = Math.round(66 + Math.random() * 14);
      this.reportHeartRate();
    });
  }

  private clearTimers(): void {
    for (const timer of this.timers.splice(0)) {
      clearTimeout(timer);
      clearInterval(timer);
    }
  }
}
