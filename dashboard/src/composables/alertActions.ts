/**
 * Acknowledge and resolve, shared by the queue, the banner and the retiree page; one resolve
 * dialog for the whole app, opened through `resolveTarget`.
 */
import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import type { Alert } from '../../../server/schemas/index.ts';
import { i18n } from '../modules/i18n.ts';
import { useAlertStore } from '../stores/alerts.ts';
import { errorText } from './errorText.ts';

export const resolveTarget = ref<Alert | null>(null);
export const busyIds = ref<Set<string>>(new Set());

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
