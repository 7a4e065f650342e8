import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Kept apart from vite.config.ts: that one is rooted at client/, where no tests live.
export default defineConfig({
  plugins: [svelte({ configFile: false })],
  test: {
    include: ['test/**/*.test.ts', 'shared/**/*.test.ts', 'client/**/*.test.ts'],
    pool: 'forks',
    // Most suites wait on timers and sockets, not the CPU: more workers than cores pays off.
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
