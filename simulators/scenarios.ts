/**
 * Scenarios: what a simulated retiree does besides living quietly. Parsed from `--scenario` flags
 * (`sos:2@30s`) and from lines typed while the simulator runs (`sos 2`), then played by the fleet.
 */
import { between, type Random } from './vitals.ts';

export type ScenarioAction =
  | 'sos'
  | 'fall'
  | 'hr-high'
  | 'hr-low'
  | 'offline'
  | 'online'
  | 'cancel'
  | 'removed'
  | 'service'
  | 'test'
  | 'smoke'
  | 'water-leak'
  | 'gas';

/** Which device of the retiree acts, when the action could come from more than one. */
export type DeviceRole = 'watch' | 'pendant' | 'all';

export interface Scenario {
  action: ScenarioAction;
  /** Index of the retiree in the fleet, from 0. */
  retiree: number;
  /** Milliseconds after the start of the run (0 for typed commands: now). */
  atMs: number;
  /** How long a state lasts (heart-rate excursion, offline, hazard); the action's default when absent. */
  durationMs?: number;
  /** `fall` only. */
  certainty?: 'confirmed' | 'suspected';
  device?: DeviceRole;
}

interface ActionInfo {
  summary: string;
  /** Default duration for actions that last. */
  durationMs?: number;
  options: readonly string[];
}

export const actions: Record<ScenarioAction, ActionInfo> = {
  sos: { summary: 'presses the SOS button (pendant; `watch` for the watch)', options: ['watch', 'pendant'] },
  fall: {
    summary: 'falls; the watch reports it (`suspected` or `confirmed`)',
    options: ['confirmed', 'suspected'],
  },
  'hr-high': { summary: 'heart rate above range for a while', durationMs: 120_000, options: [] },
  'hr-low': { summary: 'heart rate below range for a while', durationMs: 120_000, options: [] },
  offline: {
    summary: 'a device drops off without a clean disconnect (the will fires); watch by default',
    options: ['watch', 'pendant', 'all'],
  },
  online: { summary: 'dropped devices reconnect', options: ['watch', 'pendant', 'all'] },
  cancel: { summary: 'cancels the last SOS from the pendant', options: ['watch', 'pendant'] },
  removed: { summary: 'takes the watch off', durationMs: 300_000, options: [] },
  service: { summary: 'presses the pendant’s service-request (求助) button', options: [] },
  test: { summary: 'presses the test button', options: ['watch', 'pendant'] },
  smoke: { summary: 'the smoke detector at home goes off', durationMs: 60_000, options: [] },
  'water-leak': { summary: 'the water-leak sensor at home gets wet', durationMs: 60_000, options: [] },
  gas: { summary: 'the gas detector at home goes off', durationMs: 60_000, options: [] },
};

const actionNames = Object.keys(actions) as ScenarioAction[];

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** `30s`, `2m`, `1m30s`, `1h`, `500ms`, or a bare number of seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = trimmed;
  if (rest === '') throw new ScenarioError('empty duration');
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!match) throw new ScenarioError(`not a duration: "${text}" (try 30s, 2m, 1m30s, 500ms)`);
    total += Number(match[1]) * (unitMs[match[2] ?? 's'] ?? 1000);
    rest = rest.slice(match[0].length);
  }
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

function toAction(text: string): ScenarioAction {
  const name = text.toLowerCase().replace(/_/g, '-');
  if ((actionNames as string[]).includes(name)) return name as ScenarioAction;
  throw new ScenarioError(`unknown action "${text}"; one of: ${actionNames.join(', ')}`);
}

function toIndex(text: string, retirees: number | undefined): number {
  if (!/^\d+$/.test(text)) throw new ScenarioError(`retiree index must be a whole number, got "${text}"`);
  const index = Number(text);
  if (retirees !== undefined && index >= retirees) {
    throw new ScenarioError(`retiree ${index} does not exist (0–${retirees - 1})`);
  }
  return index;
}

function applyOption(scenario: Scenario, option: string): void {
  const allowed = actions[scenario.action].options;
  if (!allowed.includes(option)) {
    throw new ScenarioError(
      allowed.length === 0
        ? `${scenario.action} takes no option (got "${option}")`
        : `${scenario.action}: option must be one of ${allowed.join(', ')} (got "${option}")`,
    );
  }
  if (option === 'confirmed' || option === 'suspected') scenario.certainty = option;
  else scenario.device = option as DeviceRole;
}

/**
 * One `--scenario` flag: `action:retiree[@time][+duration][:option]`, e.g. `sos:2@30s`,
 * `hr-high:0@5s+3m`, `fall:1@10s:suspected`, `offline:3@60s+30s` (back after 30 s).
 */
export function parseScenario(text: string, retirees?: number): Scenario {
  const match = /^([a-z_-]+):(\d+)(?:@([0-9a-z.]+))?(?:\+([0-9a-z.]+))?(?::([a-z]+))?$/i.exec(text.trim());
  if (!match) {
    throw new ScenarioError(
      `cannot read scenario "${text}"; expected action:retiree[@time][+duration][:option], e.g. sos:2@30s`,
    );
  }
  const [, action, index, at, duration, option] = match;
  const scenario: Scenario = {
    action: toAction(action ?? ''),
    retiree: toIndex(index ?? '', retirees),
    atMs: at ? parseDuration(at) : 0,
  };
  if (duration) scenario.durationMs = parseDuration(duration);
  if (option) applyOption(scenario, option.toLowerCase());
  return scenario;
}

export type Command =
  | { kind: 'scenario'; scenario: Scenario }
  | { kind: 'help' }
  | { kind: 'status' }
  | { kind: 'quit' }
  | { kind: 'empty' };

/** A line typed while running: `sos 2`, `fall 1 suspected`, `hr-high 0 3m`, `offline 3`, `help`, `quit`. */
export function parseCommand(line: string, retirees?: number): Command {
  const words = line.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first === undefined) return { kind: 'empty' };
  const word = first.toLowerCase();
  if (word === 'help' || word === '?' || word === 'h') return { kind: 'help' };
  if (word === 'quit' || word === 'exit' || word === 'q') return { kind: 'quit' };
  if (word === 'status' || word === 's') return { kind: 'status' };
  const action = toAction(word);
  const [index, ...options] = rest;
  if (index === undefined) throw new ScenarioError(`${action} needs a retiree index, e.g. "${action} 0"`);
  const scenario: Scenario = { action, retiree: toIndex(index, retirees), atMs: 0 };
  for (const option of options) {
    if (/^\d/.test(option)) scenario.durationMs = parseDuration(option);
    else applyOption(scenario, option.toLowerCase());
  }
  return { kind: 'scenario', scenario };
}

export function describeScenario(scenario: Scenario): string {
  const parts = [`${scenario.action} #${scenario.retiree}`];
  if (scenario.certainty) parts.push(scenario.certainty);
  if (scenario.device) parts.push(scenario.device);
  if (scenario.durationMs !== undefined) parts.push(`for ${formatDuration(scenario.durationMs)}`);
  return parts.join(' ');
}

export function commandHelp(): string {
  const lines = ['Commands (type and press Enter):'];
  for (const name of actionNames) {
    const info = actions[name];
    const options = info.options.length > 0 ? ` [${info.options.join('|')}]` : '';
    const duration = info.durationMs !== undefined ? ' [duration]' : '';
    lines.push(`  ${`${name} <retiree>${options}${duration}`.padEnd(40)} ${info.summary}`);
  }
  lines.push(`  ${'status'.padEnd(40)} connected devices, messages, acknowledgements`);
  lines.push(`  ${'help'.padEnd(40)} this list`);
  lines.push(`  ${'quit'.padEnd(40)} publish offline status and stop`);
  return lines.join('\n');
}

/** Scenarios ordered by time, ready to play. */
export function plan(scenarios: readonly Scenario[]): Scenario[] {
  return [...scenarios].sort((a, b) => a.atMs - b.atMs);
}

/**
 * The demo's script: an SOS within half a minute, a heart-rate excursion a little later, then
 * something every few minutes, for `horizonMs`. The hub's staff should always have something to do.
 */
export function demoPlan(retirees: number, random: Random, horizonMs = 8 * 3_600_000): Scenario[] {
  if (retirees < 1) return [];
  const who = () => Math.floor(random() * retirees);
  const steps: Scenario[] = [
    { action: 'sos', retiree: 0, atMs: 20_000 },
    { action: 'hr-high', retiree: Math.min(1, retirees - 1), atMs: 75_000, durationMs: 120_000 },
  ];
  const cycle: Array<() => Scenario[]> = [
    () => [{ action: 'fall', retiree: who(), atMs: 0, certainty: 'suspected' }],
    () => {
      const retiree = who();
      return [
        { action: 'offline', retiree, atMs: 0 },
        { action: 'online', retiree, atMs: 150_000 },
      ];
    },
    () => [{ action: 'hr-low', retiree: who(), atMs: 0, durationMs: 120_000 }],
    () => [{ action: 'service', retiree: who(), atMs: 0 }],
    () => [{ action: 'sos', retiree: who(), atMs: 0, device: 'watch' }],
    () => [{ action: 'fall', retiree: who(), atMs: 0, certainty: 'confirmed' }],
    () => [{ action: 'hr-high', retiree: who(), atMs: 0, durationMs: 120_000 }],
  ];
  let at = 5 * 60_000;
  let turn = 0;
  while (at < horizonMs) {
    const make = cycle[turn % cycle.length];
    if (make) for (const step of make()) steps.push({ ...step, atMs: at + step.atMs });
    turn += 1;
    at += Math.round(between(random, 3, 5) * 60_000);
  }
  return plan(steps);
}
