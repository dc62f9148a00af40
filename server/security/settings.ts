/**
 * When security events count as a burst worth an alert: so many within a window. Each burst raises
 * one `security` alert (severity high, subject the hub itself).
 */
import { type Env, integer } from '../config.ts';

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

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  authFailures: { threshold: 20, windowMs: 60_000 },
  disconnects: { threshold: 20, windowMs: 60_000 },
  loginFailures: { threshold: 10, windowMs: 300_000 },
  pollMs: 10_000,
};

export function loadSecuritySettings(env: Env = process.env): SecuritySettings {
  const d = DEFAULT_SECURITY_SETTINGS;
  const seconds = (name: string, fallback: number) => integer(env, name, fallback / 1000, 1, 86_400) * 1000;
  return {
    authFailures: {
      threshold: integer(env, 'HUB_SECURITY_AUTH_FAILURES', d.authFailures.threshold, 2, 1_000_000),
      windowMs: seconds('HUB_SECURITY_AUTH_WINDOW_SECONDS', d.authFailures.windowMs),
    },
    disconnects: {
      threshold: integer(env, 'HUB_SECURITY_DISCONNECTS', d.disconnects.threshold, 2, 1_000_000),
      windowMs: seconds('HUB_SECURITY_DISCONNECT_WINDOW_SECONDS', d.disconnects.windowMs),
    },
    loginFailures: {
      threshold: integer(env, 'HUB_SECURITY_LOGIN_FAILURES', d.loginFailures.threshold, 2, 1_000_000),
      windowMs: seconds('HUB_SECURITY_LOGIN_WINDOW_SECONDS', d.loginFailures.windowMs),
    },
    pollMs: integer(env, 'HUB_SECURITY_POLL_SECONDS', d.pollMs / 1000, 1, 3600) * 1000,
  };
}
