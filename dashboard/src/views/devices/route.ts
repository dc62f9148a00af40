/** 设备: the devices, their registration and the monthly key tests. */
import type { Access } from '../../../../server/access/policy.ts';
import { areaRoute } from '../../router/areaRoute.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'devices.read';

const page: PageModule = {
  routes: [areaRoute('devices', () => import('./DevicesView.vue'), access)],
  nav: [{ key: 'devices', to: '/devices', access, placement: 'header', order: 70 }],
  titles: { 'zh-CN': { devices: '设备' }, en: { devices: 'Devices' } },
};

export default page;
