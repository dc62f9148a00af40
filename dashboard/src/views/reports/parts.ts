/**
 * The parts of 统计报表 and what reading each needs (server/access/policy.ts): the alert figures
 * for the monitoring desk, the service figures for those who keep the records.
 */
import type { Access } from '../../../../server/access/policy.ts';

export const REPORT_PARTS = {
  alerts: 'reports.read',
  services: 'reports.services',
} as const satisfies Record<string, Access>;

export type ReportPart = keyof typeof REPORT_PARTS;
