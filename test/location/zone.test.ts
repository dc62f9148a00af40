/**
 * The safe-zone rule (server/location/zone.ts): two valid fixes in a row beyond the radius and its
 * margin leave the zone; GPS jitter about the line does not; a fix within the radius is back.
 */
import { describe, expect, it } from 'vitest';
import {
  applyFix,
  INITIAL_STATE,
  LEAVE_MARGIN_M,
  type SafeZone,
  type ZoneFix,
  type ZoneState,
} from '../../server/location/zone.ts';

const HOME: SafeZone = { lat: 30.657, lon: 104.066, radiusM: 200 };
/** Degrees of latitude per metre, near enough for these distances. */
const PER_METRE = 1 / 111_195;

let clock = Date.UTC(2026, 0, 1, 8);
function fix(metresNorth: number, extra: Partial<ZoneFix> = {}): ZoneFix {
  clock += 60_000;
  return {
    lat: HOME.lat + metresNorth * PER_METRE,
    lon: HOME.lon,
    ts: clock,
    valid: true,
    source: 'gps',
    ...extra,
  };
}

/**
 * Runs the fixes through the rule; the verdicts in order. Each departure is taken by the alert
 * workflow at once, as the service marks it, unless `taken` is false.
 */
function run(
  fixes: ZoneFix[],
  state: ZoneState = INITIAL_STATE,
  taken = true,
): { state: ZoneState; verdicts: (string | null)[] } {
  const verdicts: (string | null)[] = [];
  for (const each of fixes) {
    const step = applyFix(HOME, state, each);
    state = step.verdict === 'left' && taken ? { ...step.state, pending: false } : step.state;
    verdicts.push(step.verdict);
  }
  return { state, verdicts };
}

describe('the safe-zone rule', () => {
  it('leaves at the second valid fix in a row beyond radius and margin, once', () => {
    const { verdicts, state } = run([fix(50), fix(400), fix(450), fix(500), fix(600)]);
    expect(verdicts).toEqual([null, null, 'left', null, null]);
    expect(state.outside).toBe(true);
    expect(state.recent.at(-1)?.distanceM).toBeCloseTo(600, -1);
  });

  it('reports a departure not yet taken again at each fix outside, and forgets it on return', () => {
    const left = run([fix(400), fix(450), fix(500)], INITIAL_STATE, false);
    expect(left.verdicts).toEqual([null, 'left', 'left']);
    expect(left.state).toMatchObject({ outside: true, pending: true });
    // Invalid and cell fixes still count for nothing, pending or not.
    expect(
      run([fix(600, { valid: false }), fix(600, { source: 'cell' })], left.state, false).verdicts,
    ).toEqual([null, null]);
    const back = run([fix(20)], left.state, false);
    expect(back.verdicts).toEqual(['returned']);
    expect(back.state).toMatchObject({ outside: false, pending: false });
  });

  it('takes one fix outside between fixes inside for jitter', () => {
    const { verdicts } = run([fix(400), fix(100), fix(400), fix(150), fix(400)]);
    expect(verdicts).toEqual([null, null, null, null, null]);
  });

  it('does not count fixes just past the radius, within the margin', () => {
    const justPast = HOME.radiusM + LEAVE_MARGIN_M - 5;
    expect(run([fix(justPast), fix(justPast), fix(justPast)]).verdicts).toEqual([null, null, null]);
  });

  it('ignores invalid fixes, cell fixes and fixes older than the last counted', () => {
    const first = fix(400);
    const older = { ...fix(400), ts: first.ts - 120_000 };
    const { verdicts } = run([
      first,
      fix(900, { valid: false }),
      fix(900, { source: 'cell' }),
      older,
      fix(100),
    ]);
    expect(verdicts).toEqual([null, null, null, null, null]);
  });

  it('counts Wi-Fi fixes like GPS ones', () => {
    expect(run([fix(500, { source: 'wifi' }), fix(500, { source: 'wifi' })]).verdicts).toEqual([
      null,
      'left',
    ]);
  });

  it('is back at the first valid fix within the radius, not within the margin (hysteresis)', () => {
    const away = run([fix(500), fix(500)]).state;
    const { verdicts } = run(
      [fix(HOME.radiusM + 10), fix(HOME.radiusM + 20), fix(HOME.radiusM - 20), fix(500)],
      away,
    );
    expect(verdicts).toEqual([null, null, 'returned', null]);
  });

  it('keeps the latest five fixes for the alert', () => {
    const { state } = run([fix(10), fix(20), fix(30), fix(40), fix(50), fix(60), fix(70)]);
    expect(state.recent.map((each) => each.distanceM)).toEqual([30, 40, 50, 60, 70]);
  });
});
