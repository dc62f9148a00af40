/**
 * The alert events of the hub's bus. They carry the stored alert in the API's shape, which devices/
 * does not know, so they are added to `HubEventMap` (devices/contract.ts) here. Listeners subscribe
 * by owner in their `start()` and leave with `removeOwner` in `stop()`:
 *
 * - `alert.changed`: the live channel (staff, station rooms), the families' live page, family
 *   notifications on each change of status, the log;
 * - `alert.escalated`: notifications to the step's audiences, the log.
 */
import type { Alert } from '../schemas/alerts.ts';
import type { Audience, EscalationStep } from '../schemas/escalation.ts';

/** An alert was stored anew: opened, or changed (a step, a repeat, a climb of the ladder). */
export interface AlertChanged {
  change: 'opened' | 'updated';
  alert: Alert;
  /** The change moved the alert to another status. */
  statusChanged: boolean;
}

/**
 * Nobody acknowledged in time: the alert climbed to `level` (or, with `reminder` > 0, is still
 * there and its step repeats), and the step's audiences and named staff are told.
 */
export interface AlertEscalated {
  alert: Alert;
  level: number;
  audiences: Audience[];
  step: EscalationStep;
  /** 0 for the climb itself, then 1, 2… for the step's reminders. */
  reminder: number;
  /** The ladder's last step: where a critical alert may ring a phone (voice). */
  last: boolean;
}

declare module '../../devices/contract.ts' {
  interface HubEventMap {
    'alert.changed': AlertChanged;
    'alert.escalated': AlertEscalated;
  }
}
