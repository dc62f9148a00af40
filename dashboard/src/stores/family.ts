/**
 * The family page's state: the relative's status from the API, refreshed on every change the
 * family room of the live channel announces (and on every reconnection, since nothing is replayed).
 */
import { defineStore } from 'pinia';
import { io, type Socket } from 'socket.io-client';
import { computed, ref } from 'vue';
import type {
  ClientToServerEvents,
  FamilyStatus,
  ServerToClientEvents,
} from '../../../server/schemas/index.ts';
import { forgetRole } from '../api/auth.ts';
import { ApiError, storedToken } from '../api/http.ts';
import { familyStatus, onMyWay } from '../views/family/api.ts';

type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const useFamilyStore = defineStore('family', () => {
  const status = ref<FamilyStatus | null>(null);
  const connected = ref(false);
  const problem = ref<string | null>(null);
  const sending = ref<string | null>(null);
  let socket: HubSocket | null = null;

  const active = computed(() => status.value?.active ?? []);

  /** Loads overlap when changes come close together: only the newest answer is shown. */
  let loads = 0;
  async function load(): Promise<void> {
    const mine = ++loads;
    try {
      const answer = await familyStatus();
      if (mine !== loads) return;
      status.value = answer;
      problem.value = null;
    } catch (error) {
      if (mine !== loads) return;
      problem.value = error instanceof ApiError ? error.code : String(error);
    }
  }

  /** Opens the family channel: with the token of a sign-in made in this page, else the session cookie. */
  function connect(): void {
    disconnect();
    const token = storedToken();
    const created: HubSocket = io(token ? { auth: { token } } : {});
    socket = created;
    created.on('connect', () => {
      connected.value = true;
      void load();
    });
    created.on('disconnect', () => {
      connected.value = false;
    });
    created.on('connect_error', () => {
      connected.value = false;
      if (!created.active) {
        window.setTimeout(() => {
          if (socket === created) created.connect();
        }, 5000);
      }
    });
    created.on('familyAlert', () => void load());
  }

  function disconnect(): void {
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
    socket = null;
    connected.value = false;
  }

  async function comingNow(alertId: string, etaMinutes: number | null): Promise<boolean> {
    sending.value = alertId;
    try {
      await onMyWay(alertId, etaMinutes ? { etaMinutes } : {});
      await load();
      return true;
    } catch (error) {
      problem.value = error instanceof ApiError ? error.code : String(error);
      return false;
    } finally {
      sending.value = null;
    }
  }

  function clear(): void {
    disconnect();
    status.value = null;
    forgetRole();
  }

  return { status, active, connected, problem, sending, load, connect, disconnect, comingNow, clear };
});
