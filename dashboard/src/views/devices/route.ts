/** 设备: the devices, their registration and the monthly key tests. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('devices', () => import('./DevicesView.vue'), 'devices.read', {
  order: 70,
  placement: 'header',
  title: { 'zh-CN': '设备', en: 'Devices' },
});
