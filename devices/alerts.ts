/**
 * Alert kinds as data: default severity and the words users see. Severity can be raised per event
 * (a confirmed fall is critical, a suspected one high).
 */
import type { AlertKind, Severity } from './contract.ts';

export interface AlertKindInfo {
  severity: Severity;
  zh: string;
  en: string;
}

export const alertKinds: Record<AlertKind, AlertKindInfo> = {
  sos: { severity: 'critical', zh: '紧急求救', en: 'SOS' },
  fall: { severity: 'critical', zh: '跌倒', en: 'Fall' },
  smoke: { severity: 'critical', zh: '烟雾报警', en: 'Smoke' },
  gas: { severity: 'critical', zh: '燃气泄漏', en: 'Gas leak' },
  water_leak: { severity: 'medium', zh: '漏水', en: 'Water leak' },
  hr_high: { severity: 'high', zh: '心率过高', en: 'Heart rate high' },
  hr_low: { severity: 'high', zh: '心率过低', en: 'Heart rate low' },
  spo2_low: { severity: 'high', zh: '血氧过低', en: 'SpO2 low' },
  inactivity: { severity: 'medium', zh: '长时间无活动', en: 'Inactivity' },
  bed_exit_night: { severity: 'medium', zh: '夜间离床', en: 'Out of bed at night' },
  device_offline: { severity: 'low', zh: '设备离线', en: 'Device offline' },
  battery_low: { severity: 'low', zh: '电量低', en: 'Battery low' },
  wearable_removed: { severity: 'medium', zh: '手环摘除', en: 'Wearable removed' },
  test: { severity: 'low', zh: '测试按键', en: 'Test press' },
  security: { severity: 'high', zh: '安全事件', en: 'Security event' },
};

export const severityRank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
