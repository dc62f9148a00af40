/**
 * The socket.io live channel. Every (re)connection reloads the wall and the alert list, because
 * events sent while the link was down are not replayed; after that, events alone keep both current.
 * The hub sends the readings of what is on screen alone: on each connection, and whenever the
 * screen changes, the store tells it what that is (`watch`, from the wall store's `shown`).
 */
import { defineStore } from 'pinia';
import { io, type Socket } from 'socket.io-client';
import { ref, watch } from 'vue';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../server/schemas/index.ts';
import { currentUser } from '../api/auth.ts';
import { storedToken } from '../api/http.ts';
import { useAlertStore } from './alerts.ts';
import { useWallStore } from './wall.ts';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const useLiveStore = defineStore('live', () => {
  const state = ref<ConnectionState>('disconnected');
  const lastError = ref<string | null>(null);
  const alerts = useAlertStore();
  const wall = useWallStore();
  let socket: HubSocket | null = null;
  let lastSessionCheck = 0;
  /** What the hub was last told is on screen, on this connection. */
  let told = '';
  let tellTimer: number | undefined;

  /**
   * Tells the hub what is on screen, when it changed since it was last told: a page turned, a view
   * opened or closed. Changes within a moment of each other go in one request.
   */
  function tell(): void {
    window.clearTimeout(tellTimer);
    tellTimer = window.setTimeout(() => {
      const current = socket;
      if (!current?.connected) return;
      const shown = wall.shown;
      const key = JSON.stringify(shown);
      if (key === told) return;
      told = key;
      current.emit('watch', shown, (answer) => {
        if (!answer.ok) {
          if (told === key) told = '';
          lastError.value = answer.error;
        }
      });
    }, 50);
  }
  watch(() => wall.shown, tell);

  /**
   * A refused handshake may mean the token expired. Asking the API settles it: a 401 there sends
   * the user to the login page through the HTTP layer. Checked at most every 30 s.
   */
  function checkSession(): void {
    const at = Date.now();
    if (at - lastSessionCheck < 30_000) return;
    lastSessionCheck = at;
    currentUser().catch(() => undefined);
  }

  async function refresh(): Promise<void> {
    const results = await Promise.allSettled([alerts.load(), wall.load()]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed && failed.status === 'rejected') {
      lastError.value = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
    } else {
      lastError.value = null;
    }
  }

  /**
   * Opens the channel for the current session (the app reconnects when it changes): with the
   * bearer token of a sign-in made in this page, else with the session cookie, which the handshake
   * carries by itself.
   */
  function connect(): void {
    disconnect();
    state.value = 'connecting';
    const token = storedToken();
    const created: HubSocket = io(token ? { auth: { token } } : {});
    socket = created;

    created.on('connect', () => {
      state.value = 'connected';
      // A new connection watches nothing until told.
      told = '';
      tell();
      void refresh();
    });
    created.on('disconnect', (reason) => {
      state.value = 'disconnected';
      // The server closed the link on purpose (e.g. the session ended): socket.io will not retry by itself.
      if (reason === 'io server disconnect') {
        checkSession();
        window.setTimeout(() => {
          if (socket === created) created.connect();
        }, 2000);
      }
    });
    created.on('connect_error', (error) => {
      state.value = 'disconnected';
      lastError.value = error.message;
      checkSession();
      // A refusal by the server's middleware stops automatic retries; keep trying while the session lasts.
      if (!created.active) {
        window.setTimeout(() => {
          if (socket === created) created.connect();
        }, 5000);
      }
    });
    created.io.on('reconnect_attempt', () => {
      state.value = 'connecting';
    });

    created.on('alert', (payload) => {
      alerts.apply(payload.change, payload.alert);
      wall.applyAlert(payload.alert);
    });
    created.on('readings', (batch) => {
      for (const update of batch) wall.applyReading(update);
    });
    created.on('device', (payload) => wall.applyDevice(payload));
  }

  function disconnect(): void {
    window.clearTimeout(tellTimer);
    told = '';
    if (socket) {
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
    }
    socket = null;
    state.value = 'disconnected';
  }

  return { state, lastError, connect, disconnect };
});
