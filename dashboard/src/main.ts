import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { onUnauthorized } from './api/http.ts';
import { installSoundUnlock } from './composables/alarmSound.ts';
import './modules/element.ts';
import { i18n } from './modules/i18n.ts';
import './modules/theme.ts';
import { router } from './router/index.ts';
import { useAlertStore } from './stores/alerts.ts';
import { useLiveStore } from './stores/live.ts';
import { useSessionStore } from './stores/session.ts';
import { useWallStore } from './stores/wall.ts';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n).use(router);

// An expired or revoked token: drop everything that belongs to the session and ask to log in again.
onUnauthorized(() => {
  useSessionStore(pinia).forget();
  useLiveStore(pinia).disconnect();
  useAlertStore(pinia).clear();
  useWallStore(pinia).clear();
  const current = router.currentRoute.value;
  if (current.name !== 'login') {
    void router.replace({
      name: 'login',
      query: current.fullPath === '/' ? {} : { redirect: current.fullPath },
    });
  }
});

installSoundUnlock();
app.mount('#app');
