import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Builds the client: the board and demo pages, then the beacon library when present. */
await build({ configFile: here('../vite.config.ts'), logLevel: 'warn' });
const beaconConfig = here('../client/beacon/vite.config.ts');
if (existsSync(beaconConfig)) await build({ configFile: beaconConfig, logLevel: 'warn' });
