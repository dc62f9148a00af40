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
  /** The latest readings of each device that spoke since the last batch (about once a second). */
  readings: (payload: ReadingUpdate[]) => void;
  device: (payload: DeviceUpdate) => void;
  /** To a family account only: its own relative's alert, without staff notes (6.11.2.4). */
  familyAlert: (payload: FamilyAlertUpdate) => void;
}

export type ClientToServerEvents = Record<string, never>;
