/**
 * The alert vocabulary of devices/alerts.ts: the transition table cell by cell, and the orders the
 * dashboard and the server take from it.
 */
import { describe, expect, it } from 'vitest';
import {
  statusRank as dashboardStatusRank,
  isOlderCopy,
  queueOrder,
  severityOrder,
} from '../../dashboard/src/composables/alertOrder.ts';
import {
  ACTIVE_STATUSES,
  ALERT_ACTIONS,
  ALERT_KINDS,
  ALERT_STATUSES,
  type AlertAction,
  type AlertStatus,
  alertKinds,
  allowedIn,
  moreSevere,
  nextStatus,
  SEVERITIES,
  type Severity,
  severityOf,
  severityRank,
  statusRank,
} from '../../devices/alerts.ts';
import { candidateFromEvent } from '../../gateway/detect/rules.ts';
import { AlertStatus as AlertStatusSchema, Severity as SeveritySchema } from '../../server/schemas/alerts.ts';
import type { Alert } from '../../server/schemas/index.ts';

type Row = Record<AlertStatus, AlertStatus | null>;
const none: Row = { open: null, acknowledged: null, in_progress: null, resolved: null, cancelled: null };
/** Allowed while the alert is active, and the status stays. */
const whileActive: Row = { ...none, open: 'open', acknowledged: 'acknowledged', in_progress: 'in_progress' };

/** Every action in every status: where it leads, or null where it is refused (409 from the API). */
const expected: Record<AlertAction, Row> = {
  acknowledge: { ...none, open: 'acknowledged' },
  take: whileActive,
  assign: whileActive,
  action: { ...none, open: 'in_progress', acknowledged: 'in_progress', in_progress: 'in_progress' },
  help_coming: { ...none, open: 'in_progress', acknowledged: 'in_progress', in_progress: 'in_progress' },
  resolve: { ...none, open: 'resolved', acknowledged: 'resolved', in_progress: 'resolved' },
  comment: {
    open: 'open',
    acknowledged: 'acknowledged',
    in_progress: 'in_progress',
    resolved: 'resolved',
    cancelled: 'cancelled',
  },
  cancel: { ...none, open: 'cancelled' },
  cancel_request: { ...none, acknowledged: 'acknowledged', in_progress: 'in_progress' },
  repeat: whileActive,
  escalate: { ...none, open: 'open' },
  family_on_way: whileActive,
};

function table(): Record<string, Row> {
  return Object.fromEntries(
    ALERT_ACTIONS.map((action) => [
      action,
      Object.fromEntries(ALERT_STATUSES.map((status) => [status, nextStatus(status, action)])) as Row,
    ]),
  );
}

describe('the alert transition table', () => {
  it('has the statuses, in the order alerts move through them, and the actions', () => {
    expect(ALERT_STATUSES).toStrictEqual(['open', 'acknowledged', 'in_progress', 'resolved', 'cancelled']);
    expect(ACTIVE_STATUSES).toStrictEqual(['open', 'acknowledged', 'in_progress']);
    expect(statusRank).toStrictEqual({ open: 0, acknowledged: 1, in_progress: 2, resolved: 3, cancelled: 4 });
    expect([...ALERT_ACTIONS].sort()).toStrictEqual(Object.keys(expected).sort());
  });

  it('allows each action in exactly the statuses of the workflow, and leads where it does', () => {
    expect(table()).toStrictEqual(expected);
  });

  it('names for each action the statuses it is allowed in, in status order', () => {
    for (const action of ALERT_ACTIONS) {
      expect(allowedIn(action)).toStrictEqual(
        ALERT_STATUSES.filter((status) => expected[action][status] !== null),
      );
    }
  });

  it('never moves an alert back, nor out of resolved or cancelled', () => {
    for (const action of ALERT_ACTIONS) {
      for (const status of ALERT_STATUSES) {
        const next = nextStatus(status, action);
        if (next === null) continue;
        expect(statusRank[next]).toBeGreaterThanOrEqual(statusRank[status]);
        if (status === 'resolved' || status === 'cancelled') expect(next).toBe(status);
      }
    }
  });
});

describe('severities and kinds', () => {
  it('orders severities most severe first', () => {
    expect(SEVERITIES).toStrictEqual(['critical', 'high', 'medium', 'low']);
    expect(severityRank).toStrictEqual({ critical: 0, high: 1, medium: 2, low: 3 });
    expect(moreSevere('high', 'critical')).toBe('critical');
    expect(moreSevere('critical', 'low')).toBe('critical');
    expect(moreSevere('medium', 'medium')).toBe('medium');
  });

  it('gives each kind its default severity, and a suspected fall less', () => {
    expect(Object.fromEntries(ALERT_KINDS.map((kind) => [kind, severityOf(kind)]))).toStrictEqual({
      sos: 'critical',
      fall: 'critical',
      smoke: 'critical',
      gas: 'critical',
      water_leak: 'medium',
      hr_high: 'high',
      hr_low: 'high',
      spo2_low: 'high',
      inactivity: 'medium',
      bed_exit_night: 'medium',
      device_offline: 'low',
      battery_low: 'low',
      wearable_removed: 'medium',
      test: 'low',
      security: 'high',
      wander: 'high',
      outage: 'high',
    });
    expect(severityOf('fall', 'suspected')).toBe('high');
    expect(severityOf('sos', 'suspected')).toBe('critical');
    expect(Object.keys(alertKinds)).toStrictEqual([...ALERT_KINDS]);
  });

  it('has the detection rules raise events at the kinds’ severities', () => {
    const at = (type: string, extra: Record<string, unknown> = {}) =>
      candidateFromEvent('d-1', { id: 'e-1', type: type as never, ts: 1_800_000_000_000, ...extra })
        ?.severity;
    expect(at('sos')).toBe(alertKinds.sos.severity);
    expect(at('fall')).toBe(alertKinds.fall.severity);
    expect(at('fall', { certainty: 'suspected' })).toBe(alertKinds.fall.suspected);
    expect(at('smoke')).toBe(alertKinds.smoke.severity);
    expect(at('gas')).toBe(alertKinds.gas.severity);
    expect(at('water_leak')).toBe(alertKinds.water_leak.severity);
    expect(at('wearable_removed')).toBe(alertKinds.wearable_removed.severity);
    expect(at('button_test')).toBe(alertKinds.test.severity);
  });
});

describe('one order for the dashboard and the server', () => {
  function alert(
    status: AlertStatus,
    severity: Severity,
    lastAt = '2026-03-01T08:00:00.000Z',
    openedAt = lastAt,
  ): Alert {
    return { id: `${status}-${severity}-${openedAt}-${lastAt}`, status, severity, openedAt, lastAt } as Alert;
  }

  it('takes the dashboard’s ranks from the same module as the server', () => {
    expect(dashboardStatusRank).toBe(statusRank);
    expect(
      Object.fromEntries(SEVERITIES.map((severity) => [severity, severityOrder(severity)])),
    ).toStrictEqual(severityRank);
  });

  it('builds the API’s status and severity unions from the module’s lists, in their order', () => {
    expect(AlertStatusSchema.anyOf.map((schema) => schema.const)).toStrictEqual([...ALERT_STATUSES]);
    expect(SeveritySchema.anyOf.map((schema) => schema.const)).toStrictEqual([...SEVERITIES]);
  });

  it('sorts the queue by status rank, then severity rank, then longest waiting first', () => {
    const alerts = ALERT_STATUSES.flatMap((status) =>
      SEVERITIES.flatMap((severity) => [
        alert(status, severity, '2026-03-01T08:00:00.000Z'),
        alert(status, severity, '2026-03-01T09:00:00.000Z'),
      ]),
    ).reverse();
    const sorted = [...alerts].sort(queueOrder).map((item) => [item.status, item.severity, item.lastAt]);
    const byRanks = [...alerts]
      .sort(
        (a, b) =>
          statusRank[a.status] - statusRank[b.status] ||
          severityRank[a.severity] - severityRank[b.severity] ||
          Date.parse(a.openedAt) - Date.parse(b.openedAt),
      )
      .map((item) => [item.status, item.severity, item.lastAt]);
    expect(sorted).toStrictEqual(byRanks);
    expect(sorted[0]).toStrictEqual(['open', 'critical', '2026-03-01T08:00:00.000Z']);
  });

  it('keeps an older waiting SOS ahead of a newer one, even when the older one repeats', () => {
    const older = alert('open', 'critical', '2026-03-01T08:05:00.000Z', '2026-03-01T08:00:00.000Z');
    const newer = alert('open', 'critical', '2026-03-01T08:03:00.000Z');
    const newest = alert('open', 'critical', '2026-03-01T08:04:00.000Z');
    expect([newest, newer, older].sort(queueOrder)).toStrictEqual([older, newer, newest]);
    // A more severe alert still goes first, and anything unacknowledged before anything handled.
    const handled = alert('acknowledged', 'critical', '2026-03-01T07:00:00.000Z');
    const low = alert('open', 'low', '2026-03-01T06:00:00.000Z');
    expect([handled, low, newer, older].sort(queueOrder)).toStrictEqual([older, newer, low, handled]);
  });

  it('keeps every step the table allows when the dashboard merges copies of an alert', () => {
    for (const action of ALERT_ACTIONS) {
      for (const status of ALERT_STATUSES) {
        const next = nextStatus(status, action);
        if (next === null) continue;
        // The copy after the step is never taken for an older one, and the one before it is.
        expect(isOlderCopy(alert(next, 'high'), alert(status, 'high'))).toBe(false);
        if (next !== status) expect(isOlderCopy(alert(status, 'high'), alert(next, 'high'))).toBe(true);
      }
    }
  });
});
