/**
 * When security events count as a burst worth an alert: so many within a window. Each burst raises
 * one `security` alert (severity high, subject the hub itself).
 */

export interface BurstSettings {
  /** Events within the window that make a burst. */
  threshold: number;
  windowMs: number;
}

export interface SecuritySettings {
  /** Refused MQTT CONNECTs (wrong secret, unknown device, cool-downs, revoked devices). */
  authFailures: BurstSettings;
  /** Distinct devices dropping offline. */
  disconnects: BurstSettings;
  /** Failed staff sign-ins, read from the audit log. */
  loginFailures: BurstSettings;
  /** How often the audit log is read for failed sign-ins. */
  pollMs: number;
}
