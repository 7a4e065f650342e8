import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'vite';
import { buildStamp, root } from './build-state.mjs';

const here = (path: string) => join(root, path);

/**
 * Builds everything production runs: the client (board and demo pages, then the beacon library
 * beside them) with Vite, and the server (server/ and shared/) to JavaScript in dist/node with its
 * Lua scripts, so `npm start` needs neither tsx nor a TypeScript toolchain at run time.
 */
rmSync(buildStamp, { force: true });
await build({ configFile: here('vite.config.ts'), logLevel: 'warn' });
await build({ configFile: here('scripts/vite-beacon.config.ts'), logLevel: 'warn' });
const tsc = spawnSync(process.execPath, [here('node_modules/typescript/bin/tsc'), '-p', here('tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
cpSync(here('server/store/lua'), here('dist/node/server/store/lua'), { recursive: true });
mkdirSync(dirname(buildStamp), { recursive: true });
writeFileSync(buildStamp, `${new Date().toISOString()}\n`);
