/** socket.io events from the server to staff clients. The dashboard imports these types only. */
import type { Alert } from './alerts.ts';
import type { FamilyAlertUpdate } from './family.ts';

export interface ReadingUpdate {
  deviceId: string;
  retireeId: string | null;
  ts: string;
  readings: Record<string, number | boolean>;
}

export interface DeviceUpdate {
  deviceId: string;
  retireeId: string | null;
  online: boolean;
  battery: number | null;
  /** When the battery level was measured: a reading older than it does not replace it. */
  batteryAt: string | null;
  lastSeenAt: string | null;
}

export interface ServerToClientEvents {
  alert: (payload: { change: 'opened' | 'updated'; alert: Alert }) => void;
  /**
   * The latest readings of each device that spoke since the last batch (about once a second), of the
   * retirees and devices this socket watches (`watch`): nothing before it asks.
   */
  readings: (payload: ReadingUpdate[]) => void;
  device: (payload: DeviceUpdate) => void;
  /** To a family account only: its own relative's alert, without staff notes (6.11.2.4). */
  familyAlert: (payload: FamilyAlertUpdate) => void;
}

/**
 * What a dashboard shows, so that the hub sends it those readings alone: the retirees on its screen
 * (their devices' readings, whichever devices they wear now) and devices it lists by themselves (the
 * device registry's page). Each request replaces the last; empty lists stop the readings.
 */
export interface WatchRequest {
  retirees: string[];
  devices: string[];
}

/** The answer to a watch request: what the socket now follows, or why nothing changed. */
export type WatchAnswer = { ok: true; retirees: number; devices: number } | { ok: false; error: string };

export interface ClientToServerEvents {
  /** The dashboard's screen changed: follow these readings from the next batch on. */
  watch: (request: WatchRequest, answer: (result: WatchAnswer) => void) => void;
}
