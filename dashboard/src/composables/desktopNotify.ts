/**
 * The browser's own notification for staff whose dashboard is in a tab they are not looking at:
 * while the page is hidden (`document.visibilityState`, Page Visibility §4), every alert that opens
 * shows a system notification with the retiree, the kind and the severity. A critical one stays
 * until someone deals with it (`requireInteraction`); clicking a notification brings the window
 * forward and opens that alert's detail panel, as the wall's own button does.
 *
 * Browsers ask for the permission only on a user gesture (Notifications API §2.2), so the header
 * offers a button while the answer is still `default`.
 */
import { onScopeDispose, ref, watch } from 'vue';
import type { Alert } from '../../../server/schemas/index.ts';
import { i18n } from '../modules/i18n.ts';
import { useAlertStore } from '../stores/alerts.ts';
import { alertSubject, kindName } from './labels.ts';

export type NotifyPermission = NotificationPermission | 'unsupported';

function currentPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

const permission = ref<NotifyPermission>(currentPermission());

/** The browser's answer about notifications for this site, or `unsupported`. */
export const notifyPermission = permission;

/** Asks the browser; must run inside a click. */
export async function askNotifyPermission(): Promise<NotifyPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    permission.value = await Notification.requestPermission();
  } catch {
    permission.value = currentPermission();
  }
  return permission.value;
}

function notifyAbout(alert: Alert, openDetail: (id: string) => void): void {
  const { t } = i18n.global;
  const subject = alertSubject(alert, t);
  const notification = new Notification(`${subject} · ${kindName(alert.kind)}`, {
    body: `${t('sound.notifySeverity')}: ${t(`severity.${alert.severity}`)}`,
    // One notification per alert: a repeat replaces it rather than piling up.
    tag: alert.id,
    requireInteraction: alert.severity === 'critical',
  });
  notification.addEventListener('click', () => {
    window.focus();
    openDetail(alert.id);
    notification.close();
  });
}

/**
 * Shows a notification for each alert that opens while the page is hidden, for as long as the
 * calling component lives. The store's last change is watched synchronously, so two alerts that
 * open in one tick are both told.
 */
export function useDesktopNotify(): void {
  const alerts = useAlertStore();
  // Another tab or the browser's settings may have answered since the page loaded.
  const refresh = (): void => {
    permission.value = currentPermission();
  };
  document.addEventListener('visibilitychange', refresh);
  onScopeDispose(() => document.removeEventListener('visibilitychange', refresh));
  watch(
    () => alerts.lastChange,
    (change) => {
      if (change?.change !== 'opened' || change.alert.status !== 'open') return;
      if (document.visibilityState !== 'hidden') return;
      refresh();
      if (permission.value !== 'granted') return;
      try {
        notifyAbout(change.alert, alerts.openDetail);
      } catch {
        // A browser that allows notifications only from a service worker (Android Chrome): the
        // tab title and the sound still tell.
      }
    },
    { flush: 'sync' },
  );
}
