#!/usr/bin/env -S node --max-semi-space-size=64
// The administration tool. Runs the built CLI (dist/node, from `npm run build` or `npm start`) when
// it is current, otherwise the TypeScript sources through tsx, so it works in a fresh clone without
// waiting for a build. `sessions import` keeps a few batches of 500 sessions in flight: a 64 MB young
// generation lets them die young instead of being copied and promoted by every scavenge.
import { pathToFileURL } from 'node:url';
import { buildIsFresh, cliMain } from '../scripts/build-state.mjs';

if (buildIsFresh()) {
  await import(pathToFileURL(cliMain).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli/main.ts');
}
