/**
 * Acknowledge and resolve, shared by the queue, the banner and the retiree page; one resolve
 * dialog for the whole app, opened through `resolveTarget`.
 */
import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import type { Alert } from '../../../server/schemas/index.ts';
import { ApiError } from '../api/http.ts';
import { i18n } from '../modules/i18n.ts';
import { useAlertStore } from '../stores/alerts.ts';

export const resolveTarget = ref<Alert | null>(null);
export const busyIds = ref<Set<string>>(new Set());

export function errorText(error: unknown): string {
  const { t } = i18n.global;
  if (error instanceof ApiError && error.status === 0) return t('errors.network');
  const message = error instanceof Error ? error.message : String(error);
  return t('errors.generic', { message });
}

export async function acknowledge(alert: Alert): Promise<void> {
  const alerts = useAlertStore();
  busyIds.value.add(alert.id);
  try {
    await alerts.acknowledge(alert.id);
    ElMessage.success(i18n.global.t('alerts.ackDone'));
  } catch (error) {
    ElMessage.error(errorText(error));
  } finally {
    busyIds.value.delete(alert.id);
  }
}

export function askResolve(alert: Alert): void {
  resolveTarget.value = alert;
}
