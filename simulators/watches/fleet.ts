/**
 * A fleet of simulated watches and pendants on the hub's maker-protocol listeners, and the
 * scenarios a tester plays on them: an SOS, a fall, the watch taken off, a low battery, and a walk
 * out of the safe zone (positions moving away from home).
 */
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import { parseDuration, ScenarioError } from '../scenarios.ts';
import {
  type AlarmOutcome,
  noCounts,
  offset,
  SimulatedWatchDevice,
  type WatchDeviceOptions,
  type WatchDeviceStats,
} from './device.ts';
import type { WatchAlarm } from './speakers.ts';

export type WatchScenarioAction = 'sos' | 'fall' | 'removed' | 'low-battery' | 'walk';

export const watchScenarioActions: Record<WatchScenarioAction, string> = {
  sos: 'presses the SOS key',
  fall: 'falls (watches only)',
  removed: 'takes the watch off (watches only)',
  'low-battery': 'the battery runs low',
  walk: 'walks away from home: a position every 20 s, 60 m further each time (720 m in 4 minutes)',
};

export interface WatchScenario {
  action: WatchScenarioAction;
  /** Index of the device in the fleet, from 0. */
  device: number;
  atMs: number;
}

const ALARM_OF: Record<Exclude<WatchScenarioAction, 'walk'>, WatchAlarm> = {
  sos: 'sos',
  fall: 'fall',
  removed: 'removed',
  'low-battery': 'low_battery',
};

/** `sos:2@30s`: action, device index, when after the start. */
export function parseWatchScenario(text: string, devices?: number): WatchScenario {
  const match = /^([a-z-]+):(\d+)(?:@([0-9a-z.]+))?$/i.exec(text.trim());
  if (!match)
    throw new ScenarioError(
      `cannot read watch scenario "${text}"; expected action:device[@time], e.g. sos:0@30s`,
    );
  const [, action = '', index = '', at] = match;
  if (!(action in watchScenarioActions)) {
    throw new ScenarioError(
      `unknown watch action "${action}"; one of: ${Object.keys(watchScenarioActions).join(', ')}`,
    );
  }
  const device = Number(index);
  if (devices !== undefined && device >= devices) {
    throw new ScenarioError(`device ${device} does not exist (0–${devices - 1})`);
  }
  return { action: action as WatchScenarioAction, device, atMs: at ? parseDuration(at) : 0 };
}

export interface WatchFleetDevice {
  id: string;
  protocol: WatchProtocolName;
}

export interface WatchFleetOptions extends Omit<WatchDeviceOptions, 'id' | 'protocol' | 'endpoint' | 'log'> {
  devices: WatchFleetDevice[];
  host: string;
  /** The hub's port per protocol; a device whose protocol has none is not started. */
  ports: Partial<Record<WatchProtocolName, number>>;
  log?: (line: string) => void;
  /** Between two positions of a walk, and the metres each one adds. */
  walkStepMs?: number;
  walkStepMetres?: number;
  walkSteps?: number;
}

/** The devices' counts added up; `connected` is how many are connected now. */
export type WatchFleetStats = Omit<WatchDeviceStats, 'connected'> & { devices: number; connected: number };

export class WatchFleet {
  readonly devices: SimulatedWatchDevice[];
  private readonly walks = new Set<NodeJS.Timeout>();

  constructor(private readonly options: WatchFleetOptions) {
    const { devices, host, ports, log, walkStepMs: _s, walkStepMetres: _m, walkSteps: _n, ...rest } = options;
    this.devices = devices
      .filter((device) => ports[device.protocol])
      .map(
        (device) =>
          new SimulatedWatchDevice({
            ...rest,
            id: device.id,
            protocol: device.protocol,
            endpoint: { host, port: ports[device.protocol] as number },
            ...(log ? { log } : {}),
          }),
      );
  }

  /** Connects every device; resolves with how many logged in and why the others did not. */
  async start(): Promise<{ connected: number; failed: { id: string; reason: string }[] }> {
    const results = await Promise.allSettled(this.devices.map((device) => device.start()));
    const failed = results.flatMap((result, index) =>
      result.status === 'rejected'
        ? [{ id: this.devices[index]?.id ?? '?', reason: String((result.reason as Error).message) }]
        : [],
    );
    return { connected: this.devices.length - failed.length, failed };
  }

  async stop(): Promise<void> {
    for (const timer of this.walks) clearTimeout(timer);
    this.walks.clear();
    await Promise.all(this.devices.map((device) => device.stop()));
  }

  stats(): WatchFleetStats {
    const total: WatchFleetStats = { devices: this.devices.length, connected: 0, ...noCounts() };
    for (const device of this.devices) {
      const { connected, ...counts } = device.stats();
      if (connected) total.connected += 1;
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) total[key] += counts[key];
    }
    return total;
  }

  /** Plays one scenario now; an alarm resolves with its outcome, a walk once its last position is sent. */
  async apply(scenario: WatchScenario): Promise<AlarmOutcome | undefined> {
    const device = this.devices[scenario.device];
    if (!device)
      throw new ScenarioError(`device ${scenario.device} does not exist (0–${this.devices.length - 1})`);
    const log = this.options.log;
    if (scenario.action === 'walk') {
      log?.(`▶ ${device.id} (${device.protocol}) walks away from home`);
      await this.walk(device);
      return undefined;
    }
    const alarm = ALARM_OF[scenario.action];
    log?.(`▶ ${device.id} (${device.protocol}) raises ${alarm}`);
    return device.raise(alarm);
  }

  /** Runs the scenarios at their times; returns a function that cancels those not yet played. */
  play(plan: readonly WatchScenario[]): () => void {
    const timers = plan.map((scenario) =>
      setTimeout(() => {
        this.apply(scenario).catch((error: unknown) => this.options.log?.(`✗ ${(error as Error).message}`));
      }, scenario.atMs),
    );
    return () => {
      for (const timer of timers) clearTimeout(timer);
    };
  }

  /**
   * A walk out of the safe zone: from home, one position every `walkStepMs`, `walkStepMetres` further
   * along a bearing each time; the device stays where the walk ended.
   */
  private walk(device: SimulatedWatchDevice): Promise<void> {
    const stepMs = this.options.walkStepMs ?? 20_000;
    const stepMetres = this.options.walkStepMetres ?? 60;
    const steps = this.options.walkSteps ?? 12;
    const home = { ...device.place };
    const bearing = Math.floor(Math.random() * 360);
    return new Promise((resolve) => {
      let step = 0;
      const next = () => {
        step += 1;
        device.place = offset(home, step * stepMetres, bearing);
        device.reportPosition({
          ...device.fix(),
          speedKmh: (stepMetres / stepMs) * 3600,
          course: bearing,
        });
        if (step >= steps) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          this.walks.delete(timer);
          next();
        }, stepMs);
        this.walks.add(timer);
      };
      next();
    });
  }
}

/**
 * The demo's watch script: an SOS from a watch within the first minute, then every few minutes an
 * alarm its protocol can carry (an SOS, a fall, a watch taken off) or a walk away from home.
 */
export function demoWatchPlan(
  devices: readonly WatchFleetDevice[],
  random: () => number,
  horizonMs = 8 * 3_600_000,
): WatchScenario[] {
  if (devices.length === 0) return [];
  const steps: WatchScenario[] = [{ action: 'sos', device: 0, atMs: 45_000 }];
  const cycle: WatchScenarioAction[] = ['fall', 'walk', 'sos', 'removed', 'sos'];
  let at = 4 * 60_000;
  for (let turn = 0; at < horizonMs; turn += 1) {
    const device = Math.floor(random() * devices.length);
    const wanted = cycle[turn % cycle.length] ?? 'sos';
    // A pendant has its key and nothing else to report.
    const action = devices[device]?.protocol === 'jt808' && wanted !== 'walk' ? 'sos' : wanted;
    steps.push({ action, device, atMs: at });
    at += Math.round((4 + random() * 3) * 60_000);
  }
  return steps;
}
