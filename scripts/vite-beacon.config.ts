import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The beacon as a library: `beacon.js` (a classic script, global `CheckoutPulse`) and `beacon.mjs` (ESM).
export default defineConfig({
  root: here('../client/beacon'),
  cacheDir: here('../node_modules/.vite-beacon'),
  // Pages are browsers: never let the transport's Node build (and its Node-only dependencies) in.
  resolve: { conditions: ['browser', 'module', 'import', 'default'], mainFields: ['browser', 'module', 'main'] },
  build: {
    outDir: here('../dist/client'),
    emptyOutDir: false,
    target: 'es2019',
    minify: true,
    lib: {
      entry: here('../client/beacon/index.ts'),
      name: 'CheckoutPulse',
      formats: ['iife', 'es'],
      fileName: (format) => (format === 'es' ? 'beacon.mjs' : 'beacon.js'),
    },
  },
});
