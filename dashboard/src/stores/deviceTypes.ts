/** Device type names for labels; they change only with a hub upgrade, so they are loaded once. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DeviceTypeInfo } from '../../../server/schemas/index.ts';
import { currentLocale } from '../modules/i18n.ts';
import { listDeviceTypes } from '../views/devices/api.ts';

export const useDeviceTypeStore = defineStore('deviceTypes', () => {
  const types = ref<Record<string, DeviceTypeInfo>>({});
  let requested = false;

  function ensureLoaded(): void {
    if (requested) return;
    requested = true;
    listDeviceTypes()
      .then((list) => {
        types.value = Object.fromEntries(list.map((info) => [info.type, info]));
      })
      .catch(() => {
        // Labels fall back to the type id; try again on the next call.
        requested = false;
      });
  }

  function name(type: string): string {
    const info = types.value[type];
    if (!info) return type;
    return currentLocale.value === 'en' ? info.nameEn : info.nameZh;
  }

  return { types, ensureLoaded, name };
});
