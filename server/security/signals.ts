/**
 * The security events the hub watches, as one small shape every source can produce: the broker's
 * refused CONNECTs and dropped devices now, failed staff sign-ins from the audit log.
 */

export type SecuritySignalKind = 'mqtt_auth_failure' | 'device_disconnect' | 'login_failed';

export interface SecuritySignal {
  kind: SecuritySignalKind;
  /** Epoch ms. */
  at: number;
  /** Where it came from (IP address), when known. */
  address?: string | null;
  /** Whom it concerns: the device id, or the account name tried. */
  subject?: string | null;
  /** Why, e.g. `bad_secret`, `ip_cooldown`. */
  reason?: string | null;
}

/** Where the monitor reads failed staff sign-ins from (the audit log when it exists). */
export interface LoginFailureSource {
  /** False while there is nothing to read (the audit log table does not exist yet). */
  available(): Promise<boolean>;
  /** Failed sign-ins newer than `afterSeq`, oldest first, with the position to continue from. */
  since(afterSeq: number, limit: number): Promise<{ signals: SecuritySignal[]; lastSeq: number }>;
  /** The newest failed sign-ins, newest first. */
  recent(limit: number): Promise<FailedLogin[]>;
  /**
   * The position of the last entry before `at`: reading starts after it, so the failures of the
   * window just past are counted (a burst an instance saw half of before the reading moved to this
   * one) and older ones are not replayed.
   */
  positionBefore(at: number): Promise<number>;
}

export interface FailedLogin {
  at: string;
  username: string;
  ip: string;
  reason: string | null;
}
