import vue from '@vitejs/plugin-vue';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';

// The hub serves the built files at `/`; during `npm run dev:dashboard` the API, the live channel
// and the OpenAPI page come from a hub running on its default port.
const hub = 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [
    vue(),
    // Element Plus components and the v-loading directive are imported where a template uses them,
    // so no page lists them. Their styles stay in modules/element.ts, loaded once with the frame (a
    // page's own chunk never brings Element Plus CSS that could come after ours). Our own components
    // are imported by hand. The declarations for vue-tsc (components.d.ts) are committed, sorted by
    // name; `append` adds a component when a template starts to use one and otherwise leaves the
    // file untouched, so a build or the dev server never rewrites it half-way (delete it and build to
    // drop names no template uses any more).
    components({
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: false })],
      dts: 'components.d.ts',
      syncMode: 'append',
    }),
  ],
  define: {
    // vue-i18n: composition API only, no devtools hooks in production bundles.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        // Keep the large, rarely changing libraries in their own cacheable chunks. ECharts is left to
        // the default splitting so that it stays with the retiree page that lazily imports it.
        codeSplitting: {
          groups: [
            {
              name: 'element-plus',
              test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs)/,
            },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': hub,
      '/docs': hub,
      '/socket.io': { target: hub, ws: true },
    },
  },
});
