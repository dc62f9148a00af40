/** 服务请求 (6.12): everyday help asked for with the green key, assigned, done and rated. */
import { areaPage } from '../../router/areaRoute.ts';

export default areaPage('requests', () => import('./RequestsView.vue'), 'requests.read', {
  order: 60,
  placement: 'header',
  title: { 'zh-CN': '服务请求', en: 'Service requests' },
});
