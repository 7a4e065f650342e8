// Types of build-state.mjs, for the TypeScript scripts that import it.
export const root: string;
export const serverMain: string;
export const cliMain: string;
export const buildStamp: string;
export function buildIsFresh(): boolean;
