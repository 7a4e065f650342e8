#!/usr/bin/env node
// `npm start`: the built server (dist/node), built first when the build is missing or older than
// its sources, so a fresh clone's `npm ci && npm start` serves everything, board included.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { buildIsFresh, root, serverMain } from './build-state.mjs';

if (!buildIsFresh()) {
  // Standard error: standard output carries the server's JSON log lines.
  process.stderr.write('checkout pulse: building (npm run build) ...\n');
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) {
    process.stderr.write('checkout pulse: the build failed; see above\n');
    process.exit(built.status ?? 1);
  }
}
await import(pathToFileURL(serverMain).href);
