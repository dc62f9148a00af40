/**
 * What the records keep of a device's security: whether (and why, by whom) it was revoked, and when
 * its secret was last replaced. A revoked device keeps its row; it only stops opening anything.
 */
import type { Queryable } from '../db/database.ts';

/** The reserved device row that stands for the hub itself (the subject of security alerts). */
export const HUB_DEVICE_ID = '_hub';
export const HUB_DEVICE_TYPE = 'hub';

export interface DeviceSecurityState {
  revokedAt: string | null;
  revokedReason: string | null;
  revokedBy: string | null;
  secretRotatedAt: string | null;
}

interface Row {
  id: string;
  revoked_at: Date | null;
  revoked_reason: string | null;
  revoked_by: string | null;
  secret_rotated_at: Date | null;
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

export class DeviceRevocations {
  constructor(private readonly db: Queryable) {}

  /** Every device with something to say: revoked, or its secret replaced. */
  async states(): Promise<Map<string, DeviceSecurityState>> {
    const rows = await this.db.query<Row>(
      `select id, revoked_at, revoked_reason, revoked_by, secret_rotated_at from devices
        where revoked_at is not null or secret_rotated_at is not null`,
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          revokedAt: iso(row.revoked_at),
          revokedReason: row.revoked_reason,
          revokedBy: row.revoked_by,
          secretRotatedAt: iso(row.secret_rotated_at),
        },
      ]),
    );
  }

  /** Whether one device is revoked now. */
  async isRevoked(deviceId: string): Promise<boolean> {
    const rows = await this.db.query<{ revoked: boolean }>(
      'select revoked_at is not null as revoked from devices where id = $1',
      [deviceId],
    );
    return rows[0]?.revoked === true;
  }

  /** Marks a device revoked; false when it was already revoked (or does not exist). */
  async revoke(deviceId: string, reason: string, userId: string, at: Date): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `update devices set revoked_at = $2, revoked_reason = $3, revoked_by = $4, online = false
        where id = $1 and revoked_at is null returning id`,
      [deviceId, at, reason, userId],
    );
    return rows.length === 1;
  }

  /** Replaces the secret of a device that is not revoked; false otherwise. */
  async replaceSecret(deviceId: string, secretHash: string, userId: string, at: Date): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `update devices set secret_hash = $2, secret_rotated_at = $3, secret_rotated_by = $4
        where id = $1 and revoked_at is null returning id`,
      [deviceId, secretHash, at, userId],
    );
    return rows.length === 1;
  }
}
