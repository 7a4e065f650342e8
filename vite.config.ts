import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The board and the demo checkout page; the server serves dist/client.
export default defineConfig({
  root: here('./client'),
  cacheDir: here('./node_modules/.vite'),
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: here('./dist/client'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        board: here('./client/board/index.html'),
        demo: here('./client/demo/index.html'),
      },
    },
  },
});
