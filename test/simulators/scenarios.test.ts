import { describe, expect, it } from 'vitest';
import {
  demoPlan,
  parseCommand,
  parseDuration,
  parseScenario,
  plan,
  ScenarioError,
} from '../../simulators/scenarios.ts';
import { createRandom } from '../../simulators/vitals.ts';

describe('scenario flags', () => {
  it('reads action, retiree and time', () => {
    expect(parseScenario('sos:2@30s')).toStrictEqual({ action: 'sos', retiree: 2, atMs: 30_000 });
    expect(parseScenario('fall:1@10s')).toStrictEqual({ action: 'fall', retiree: 1, atMs: 10_000 });
    expect(parseScenario('hr-high:0@5s')).toStrictEqual({ action: 'hr-high', retiree: 0, atMs: 5000 });
    expect(parseScenario('offline:3@60s')).toStrictEqual({ action: 'offline', retiree: 3, atMs: 60_000 });
  });

  it('reads duration and option', () => {
    expect(parseScenario('hr-low:0@1m30s+2m')).toStrictEqual({
      action: 'hr-low',
      retiree: 0,
      atMs: 90_000,
      durationMs: 120_000,
    });
    expect(parseScenario('fall:1@10s:suspected')).toStrictEqual({
      action: 'fall',
      retiree: 1,
      atMs: 10_000,
      certainty: 'suspected',
    });
    expect(parseScenario('offline:3@60s+30s:all')).toStrictEqual({
      action: 'offline',
      retiree: 3,
      atMs: 60_000,
      durationMs: 30_000,
      device: 'all',
    });
    expect(parseScenario('sos:0')).toStrictEqual({ action: 'sos', retiree: 0, atMs: 0 });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(() => parseScenario('jump:1@5s')).toThrow(/unknown action "jump"/);
    expect(() => parseScenario('sos@5s')).toThrow(ScenarioError);
    expect(() => parseScenario('sos:x@5s')).toThrow(ScenarioError);
    expect(() => parseScenario('sos:1@soon')).toThrow(/not a duration/);
    expect(() => parseScenario('sos:4@5s', 4)).toThrow(/retiree 4 does not exist \(0–3\)/);
    expect(() => parseScenario('hr-high:0@5s:suspected')).toThrow(/takes no option/);
  });

  it('reads durations in several forms', () => {
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h2m3s')).toBe(3_723_000);
    expect(parseDuration('1.5s')).toBe(1500);
  });

  it('orders a plan by time', () => {
    const steps = plan([parseScenario('sos:0@30s'), parseScenario('fall:1@10s')]);
    expect(steps.map((step) => step.action)).toStrictEqual(['fall', 'sos']);
  });
});

describe('typed commands', () => {
  it('reads scenarios and controls', () => {
    expect(parseCommand('sos 2')).toStrictEqual({
      kind: 'scenario',
      scenario: { action: 'sos', retiree: 2, atMs: 0 },
    });
    expect(parseCommand('fall 1 suspected')).toStrictEqual({
      kind: 'scenario',
      scenario: { action: 'fall', retiree: 1, atMs: 0, certainty: 'suspected' },
    });
    expect(parseCommand('hr-low 0 3m')).toStrictEqual({
      kind: 'scenario',
      scenario: { action: 'hr-low', retiree: 0, atMs: 0, durationMs: 180_000 },
    });
    expect(parseCommand('  online 3 ')).toStrictEqual({
      kind: 'scenario',
      scenario: { action: 'online', retiree: 3, atMs: 0 },
    });
    expect(parseCommand('help')).toStrictEqual({ kind: 'help' });
    expect(parseCommand('quit')).toStrictEqual({ kind: 'quit' });
    expect(parseCommand('')).toStrictEqual({ kind: 'empty' });
  });

  it('explains mistakes', () => {
    expect(() => parseCommand('sos')).toThrow(/needs a retiree index/);
    expect(() => parseCommand('offline 9', 4)).toThrow(/does not exist/);
    expect(() => parseCommand('fall 1 maybe')).toThrow(/confirmed, suspected/);
  });
});

describe('demo script', () => {
  it('has an SOS within 30 s, a heart-rate excursion soon after, and keeps going', () => {
    const steps = demoPlan(8, createRandom(1), 60 * 60_000);
    expect(steps[0]).toMatchObject({ action: 'sos', retiree: 0 });
    expect(steps[0]!.atMs).toBeLessThanOrEqual(30_000);
    const excursion = steps.find((step) => step.action === 'hr-high');
    expect(excursion!.atMs).toBeLessThan(3 * 60_000);
    expect(steps.length).toBeGreaterThan(10);
    for (const step of steps) expect(step.retiree).toBeLessThan(8);
    for (let i = 1; i < steps.length; i += 1)
      expect(steps[i]!.atMs).toBeGreaterThanOrEqual(steps[i - 1]!.atMs);
    // An offline retiree is always brought back.
    const offline = steps.filter((step) => step.action === 'offline');
    const online = steps.filter((step) => step.action === 'online');
    expect(online.length).toBe(offline.length);
  });

  it('is the same for the same seed', () => {
    expect(demoPlan(5, createRandom(3))).toStrictEqual(demoPlan(5, createRandom(3)));
  });
});
