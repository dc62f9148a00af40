/**
 * The active alerts (open, acknowledged and in progress). Loaded once per socket connection, then kept current
 * only by `alert` events: the dashboard never polls. Events that arrive while the list is loading
 * are replayed on top of it so nothing that happened during the request is lost.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { isActive } from '../../../devices/alerts.ts';
import type { ActionBody, Alert, ResolveBody } from '../../../server/schemas/index.ts';
import {
  acknowledgeAlert,
  addComment,
  assignAlert,
  listAlerts,
  recordAction,
  resolveAlert,
  sendHelpComing,
  takeAlert,
} from '../api/alerts.ts';
import { isOlderCopy, queueOrder, severityOrder } from '../composables/alertOrder.ts';
import type { Severity } from '../composables/labels.ts';

export interface RetireeAlertState {
  open: number;
  acknowledged: number;
  worst: Severity | null;
}

export const useAlertStore = defineStore('alerts', () => {
  const byId = ref<Record<string, Alert>>({});
  const loaded = ref(false);
  let loading = false;
  let pending: Alert[] = [];
  let generation = 0;
  // Resolved and cancelled alerts leave the list; remembering their ids stops a late copy from
  // bringing one back.
  const resolvedIds = new Set<string>();
  /**
   * The last change seen for any alert, whether or not it is still in the queue: the detail panel
   * follows the alert it shows through this, resolved and cancelled ones included.
   */
  const lastChange = ref<{ alert: Alert; seq: number; change: 'opened' | 'updated' } | null>(null);
  let changeSeq = 0;
  /** The alert whose detail panel is open, if any. */
  const detailId = ref<string | null>(null);

  /** Keep the newer of two versions of one alert; a late, older copy never undoes a step. */
  function merge(target: Record<string, Alert>, alert: Alert): void {
    if (resolvedIds.has(alert.id)) return;
    const existing = target[alert.id];
    if (existing && isOlderCopy(alert, existing)) return;
    if (!isActive(alert.status)) {
      resolvedIds.add(alert.id);
      delete target[alert.id];
    } else target[alert.id] = alert;
  }

  async function load(): Promise<void> {
    const mine = ++generation;
    loading = true;
    pending = [];
    try {
      const list = await listAlerts({ status: 'active', limit: 500 });
      if (mine !== generation) return;
      const next: Record<string, Alert> = {};
      for (const alert of list) merge(next, alert);
      for (const alert of pending) merge(next, alert);
      byId.value = next;
      loaded.value = true;
    } finally {
      if (mine === generation) {
        loading = false;
        pending = [];
      }
    }
  }

  /**
   * Apply one `alert` event (or an API answer). `change` is kept for listeners such as the retiree
   * page, and the desktop notification, which tells only of alerts that open.
   */
  function apply(change: 'opened' | 'updated', alert: Alert): void {
    if (loading) pending.push(alert);
    merge(byId.value, alert);
    changeSeq += 1;
    lastChange.value = { alert, seq: changeSeq, change };
  }

  async function take(id: string): Promise<Alert> {
    const alert = await takeAlert(id);
    apply('updated', alert);
    return alert;
  }

  async function assign(id: string, userId: string): Promise<Alert> {
    const alert = await assignAlert(id, { userId });
    apply('updated', alert);
    return alert;
  }

  async function act(id: string, body: ActionBody): Promise<Alert> {
    const alert = await recordAction(id, body);
    apply('updated', alert);
    return alert;
  }

  async function helpComing(id: string): Promise<Alert> {
    const alert = await sendHelpComing(id);
    apply('updated', alert);
    return alert;
  }

  async function comment(id: string, text: string): Promise<Alert> {
    const alert = await addComment(id, { text });
    apply('updated', alert);
    return alert;
  }

  function openDetail(id: string): void {
    detailId.value = id;
  }

  function closeDetail(): void {
    detailId.value = null;
  }

  async function acknowledge(id: string): Promise<Alert> {
    const alert = await acknowledgeAlert(id);
    apply('updated', alert);
    return alert;
  }

  async function resolve(id: string, body: ResolveBody): Promise<Alert> {
    const alert = await resolveAlert(id, body);
    apply('updated', alert);
    return alert;
  }

  function clear(): void {
    generation++;
    byId.value = {};
    loaded.value = false;
    detailId.value = null;
  }

  /** Unacknowledged first, then by severity, then the one waiting longest first (a new alert never pushes an older one of its severity out of the banner). */
  const active = computed(() => Object.values(byId.value).sort(queueOrder));
  const open = computed(() => active.value.filter((alert) => alert.status === 'open'));
  const openCount = computed(() => open.value.length);
  const worstOpenSeverity = computed<Severity | null>(() => open.value[0]?.severity ?? null);

  const byRetiree = computed(() => {
    const states = new Map<string, RetireeAlertState>();
    for (const alert of active.value) {
      if (!alert.retireeId) continue;
      const state = states.get(alert.retireeId) ?? { open: 0, acknowledged: 0, worst: null };
      if (alert.status === 'open') state.open += 1;
      else state.acknowledged += 1;
      if (!state.worst || severityOrder(alert.severity) < severityOrder(state.worst))
        state.worst = alert.severity;
      states.set(alert.retireeId, state);
    }
    return states;
  });

  return {
    byId,
    loaded,
    active,
    open,
    openCount,
    worstOpenSeverity,
    byRetiree,
    lastChange,
    detailId,
    load,
    apply,
    acknowledge,
    resolve,
    take,
    assign,
    act,
    helpComing,
    comment,
    openDetail,
    closeDetail,
    clear,
  };
});
