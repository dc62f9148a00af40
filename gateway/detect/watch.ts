/**
 * Rules that fire on the absence of something over time: a device gone silent or offline, no
 * activity at home in the day, out of bed at night too long. Pure state machines over readings and
 * an injected clock: `observe*` feeds them, `check(now)` returns the candidates due.
 */
import { severityOf } from '../../devices/alerts.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import type { Readings } from '../../devices/types.ts';
import type { DetectionContext } from './settings.ts';
import { inWindow } from './settings.ts';

interface DeviceState {
  lastSeen: number;
  /** Set by the device's own offline status (its will); cleared by any message. */
  offlineSince: number | null;
  /** An alert was raised for this silence; re-armed when the device is heard again. */
  reported: boolean;
}

export class AbsenceWatch {
  private readonly devices = new Map<string, DeviceState>();
  /** Per retiree: last motion or door activity, the sensor that saw it, whether reported. */
  private readonly activity = new Map<string, { at: number; deviceId: string; reported: boolean }>();
  /** Per bed sensor: when the retiree got out of bed, whether reported. */
  private readonly bedExits = new Map<string, { since: number; reported: boolean }>();

  constructor(private readonly context: DetectionContext) {}

  /** Last known contact from the records, so silence is measured across a restart. */
  seed(deviceId: string, lastSeen: number): void {
    if (!this.devices.has(deviceId))
      this.devices.set(deviceId, { lastSeen, offlineSince: null, reported: false });
  }

  heard(deviceId: string, at: number): void {
    this.devices.set(deviceId, {
      lastSeen: Math.max(at, this.devices.get(deviceId)?.lastSeen ?? 0),
      offlineSince: null,
      reported: false,
    });
  }

  wentOffline(deviceId: string, at: number): void {
    const state = this.devices.get(deviceId) ?? { lastSeen: at, offlineSince: null, reported: false };
    state.offlineSince ??= at;
    this.devices.set(deviceId, state);
  }

  readings(deviceId: string, readings: Readings, at: number): void {
    this.heard(deviceId, at);
    const retireeId = this.context.profile(deviceId)?.retireeId;
    if (
      retireeId &&
      (readings.motion === true || typeof readings.door_open === 'boolean' || readings.presence === true)
    ) {
      this.activity.set(retireeId, { at, deviceId, reported: false });
    }
    if (readings.bed_occupied === false && !this.bedExits.has(deviceId)) {
      this.bedExits.set(deviceId, { since: at, reported: false });
    } else if (readings.bed_occupied === true) {
      this.bedExits.delete(deviceId);
    }
  }

  check(now: number): AlertCandidate[] {
    const { settings } = this.context;
    const due: AlertCandidate[] = [];
    for (const [deviceId, state] of this.devices) {
      if (state.reported) continue;
      const profile = this.context.profile(deviceId);
      if (!profile) continue;
      const silentFor = now - state.lastSeen;
      const limit = settings.offlineAfterMs[profile.power];
      const willFired = state.offlineSince !== null && now - state.offlineSince >= settings.offlineGraceMs;
      if (silentFor >= limit || willFired) {
        state.reported = true;
        due.push({
          deviceId,
          kind: 'device_offline',
          severity: severityOf('device_offline'),
          ts: now,
          detail: {
            lastSeen: new Date(state.lastSeen).toISOString(),
            reason: willFired ? 'disconnected' : 'silent',
            power: profile.power,
          },
        });
      }
    }
    if (inWindow(now, settings.day, settings.utcOffsetMinutes)) {
      for (const [retireeId, last] of this.activity) {
        if (last.reported || now - last.at < settings.inactivityAfterMs) continue;
        last.reported = true;
        due.push({
          deviceId: last.deviceId,
          kind: 'inactivity',
          severity: severityOf('inactivity'),
          ts: now,
          detail: {
            retireeId,
            lastActivity: new Date(last.at).toISOString(),
            hours: settings.inactivityAfterMs / 3_600_000,
          },
        });
      }
    }
    for (const [deviceId, exit] of this.bedExits) {
      if (exit.reported || now - exit.since < settings.bedExitAfterMs) continue;
      // Only a night-time exit counts; getting up in the morning is no alert.
      if (!inWindow(exit.since, settings.night, settings.utcOffsetMinutes)) continue;
      exit.reported = true;
      due.push({
        deviceId,
        kind: 'bed_exit_night',
        severity: severityOf('bed_exit_night'),
        ts: now,
        detail: {
          since: new Date(exit.since).toISOString(),
          minutes: Math.round((now - exit.since) / 60_000),
        },
      });
    }
    return due;
  }
}
