import { spawnSync } from 'node:child_process';
import { buildIsFresh } from '../../scripts/build-state.mjs';

/** Builds the client and server once (when sources changed) for every suite that opens a page or runs the build. */
export default function setup(): void {
  if (buildIsFresh()) return;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}
