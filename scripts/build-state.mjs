// What `npm run build` makes, and whether it is older than its sources: shared by the build,
// `npm start` and the CLI (plain JavaScript, so it runs before anything is built).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const serverMain = join(root, 'dist/node/server/main.js');
export const cliMain = join(root, 'dist/node/server/cli/main.js');
/** Written last by a complete build; its time is the build's. */
export const buildStamp = join(root, 'dist/.build-stamp');

/** Everything a build is made from: when any is newer than the stamp, the build is stale. */
const INPUTS = [
  'server', 'shared', 'client', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json',
  'vite.config.ts', 'scripts/vite-beacon.config.ts', 'scripts/build.ts',
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when a complete build exists and no source changed since. */
export function buildIsFresh() {
  if (!existsSync(buildStamp) || !existsSync(serverMain)) return false;
  const builtAt = statSync(buildStamp).mtimeMs;
  return INPUTS.every((input) => newestMtime(join(root, input)) <= builtAt);
}
