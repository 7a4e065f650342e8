import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/** Builds the beacon and fails when a build of it exceeds its budget: 16 KB gzip, transport included. */
const BUDGET_BYTES = 16 * 1024;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

await build({ configFile: here('./vite-beacon.config.ts'), logLevel: 'warn' });
let over = false;
for (const file of ['beacon.js', 'beacon.mjs']) {
  const gzip = gzipSync(readFileSync(here(`../dist/client/${file}`)), { level: 9 }).length;
  over ||= gzip > BUDGET_BYTES;
  console.log(JSON.stringify({ file, gzipBytes: gzip, budgetBytes: BUDGET_BYTES, ok: gzip <= BUDGET_BYTES }));
}
if (over) process.exit(1);
