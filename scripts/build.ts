import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Builds the client: the board and demo pages, then the beacon library beside them. */
await build({ configFile: here('../vite.config.ts'), logLevel: 'warn' });
await build({ configFile: here('./vite-beacon.config.ts'), logLevel: 'warn' });
