/** 设备: the devices, their registration and the monthly key tests. */
import type { Access } from '../../../../server/access/policy.ts';
import type { PageModule } from '../../router/pages.ts';

const access: Access = 'devices.read';

const page: PageModule = {
  routes: [
    {
      path: '/devices',
      name: 'devices',
      component: () => import('./DevicesView.vue'),
      meta: { title: 'nav.devices', access },
    },
  ],
  nav: [{ key: 'devices', to: '/devices', access, placement: 'header', order: 70 }],
  titles: { 'zh-CN': { devices: '设备' }, en: { devices: 'Devices' } },
};

export default page;
