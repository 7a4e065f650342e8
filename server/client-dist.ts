import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root: the nearest folder above this file with a package.json (from the sources or from dist/node). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('checkout pulse: no package.json above the server');
    dir = parent;
  }
  return dir;
}

/** Where `npm run build` puts the client (board, demo page, beacon), ending in a slash. */
export const CLIENT_DIST = join(packageRoot(), 'dist', 'client') + '/';
