import { spawnSync } from 'node:child_process';

/** Builds the client once for every suite that opens it in a browser. */
export default function setup(): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('client build failed');
}
