/**
 * What the admins' security page shows, gathered from where each fact lives: failed staff sign-ins
 * (the audit log), devices the broker refused (its ring of refusals), devices silent longer than
 * their offline timeout, revoked devices, the audit chain's state, and the open security alerts.
 */
import { getDefinition, zigbeeDefinitionByType } from '../../devices/index.ts';
import type { Refusal } from '../../gateway/index.ts';
import type { Database } from '../db/database.ts';
import { DeviceRevocations, HUB_DEVICE_TYPE } from '../devices/revocations.ts';
import type { SecurityOverview } from '../schemas/security.ts';
import type { AlertStore } from '../store/alerts.ts';
import type { DeviceStore } from '../store/devices.ts';
import type { RetireeStore } from '../store/retirees.ts';
import type { SecurityMonitor } from './monitor.ts';
import type { SecuritySettings } from './settings.ts';
import type { LoginFailureSource } from './signals.ts';

/** What `AuditLog.verify()` answers (server/audit/). */
export interface AuditChainResult {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; reason: string };
}

export interface SecurityContext {
  monitor: SecurityMonitor;
  settings: SecuritySettings;
  logins: LoginFailureSource;
  /** The broker's recent refusals, newest first. */
  refusals: () => Refusal[];
  /** Walks the audit chain; absent while the hub keeps no audit log. */
  auditChain?: () => Promise<AuditChainResult>;
  /** Silence after which a device counts as offline, by power source. */
  offlineAfterMs: { battery: number; mains: number };
}

const LIST_LIMIT = 50;

export async function securityOverview(
  context: SecurityContext,
  records: { db: Database; devices: DeviceStore; alerts: AlertStore; retirees: RetireeStore },
  now: Date,
): Promise<SecurityOverview> {
  const [available, devices, states, active] = await Promise.all([
    context.logins.available(),
    records.devices.list(),
    new DeviceRevocations(records.db).states(),
    records.alerts.list({ status: 'active', limit: 500 }),
  ]);
  const failedLogins = available ? await context.logins.recent(LIST_LIMIT) : [];

  const silentDevices: SecurityOverview['silentDevices'] = [];
  const revokedDevices: SecurityOverview['revokedDevices'] = [];
  for (const device of devices) {
    if (device.type === HUB_DEVICE_TYPE) continue;
    const state = states.get(device.id);
    if (state?.revokedAt) {
      revokedDevices.push({
        deviceId: device.id,
        revokedAt: state.revokedAt,
        reason: state.revokedReason ?? '',
      });
      continue;
    }
    // A Zigbee sensor's silence is its bridge's to report; the bridge itself is mains-powered.
    const power = getDefinition(device.type)?.power ?? zigbeeDefinitionByType(device.type)?.power ?? 'mains';
    const limitMs = power === 'battery' ? context.offlineAfterMs.battery : context.offlineAfterMs.mains;
    const since = Date.parse(device.lastSeenAt ?? device.createdAt);
    const silentMs = now.getTime() - since;
    if (silentMs <= limitMs) continue;
    silentDevices.push({
      deviceId: device.id,
      type: device.type,
      retireeId: device.retireeId,
      label: device.label,
      lastSeenAt: device.lastSeenAt,
      offlineAfterMinutes: Math.round(limitMs / 60_000),
      silentMinutes: Math.floor(silentMs / 60_000),
    });
  }
  silentDevices.sort((a, b) => b.silentMinutes - a.silentMinutes);
  revokedDevices.sort((a, b) => b.revokedAt.localeCompare(a.revokedAt));

  let auditChain: SecurityOverview['auditChain'];
  if (!context.auditChain) {
    auditChain = { status: 'unavailable', checked: null, firstBad: null, note: '本平台尚未启用审计日志' };
  } else {
    try {
      const result = await context.auditChain();
      auditChain = {
        status: result.ok ? 'ok' : 'broken',
        checked: result.checked,
        firstBad: result.firstBad ?? null,
        note: null,
      };
    } catch {
      auditChain = { status: 'unavailable', checked: null, firstBad: null, note: '审计日志暂时无法校验' };
    }
  }

  const { settings } = context;
  const burst = (value: { threshold: number; windowMs: number }) => ({
    threshold: value.threshold,
    windowSeconds: Math.round(value.windowMs / 1000),
  });
  return {
    generatedAt: now.toISOString(),
    failedLogins: {
      available,
      note: available ? null : '审计日志尚未建立，暂无登录失败记录',
      items: failedLogins,
    },
    refusedDevices: context
      .refusals()
      .slice(0, LIST_LIMIT)
      .map((refusal) => ({ ...refusal, at: new Date(refusal.at).toISOString() })),
    silentDevices: silentDevices.slice(0, LIST_LIMIT * 4),
    revokedDevices,
    auditChain,
    securityAlerts: active.filter((alert) => alert.kind === 'security'),
    settings: {
      authFailures: burst(settings.authFailures),
      disconnects: burst(settings.disconnects),
      loginFailures: burst(settings.loginFailures),
    },
  };
}
