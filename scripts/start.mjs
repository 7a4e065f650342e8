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
if (!process.env.PUBLIC_URL && process.env.DEMO !== 'true') {
  // Links in mail and docs come from PUBLIC_URL only (never a request's Host). A fresh clone has
  // none: it serves on this machine, and says so; a deployment sets its own.
  process.env.PUBLIC_URL = `http://localhost:${process.env.PORT ?? '3000'}`;
  process.stderr.write(`checkout pulse: PUBLIC_URL is not set; links will point at ${process.env.PUBLIC_URL}. Set PUBLIC_URL for real use.\n`);
}
await import(pathToFileURL(serverMain).href);
