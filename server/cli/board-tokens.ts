import type { CliContext } from './main.js';

/** `board-tokens …` commands; filled in with the board. */
export const commands: Record<string, (args: { merchant?: string | undefined; mode?: string | undefined; token?: string | undefined }, cli: CliContext) => Promise<number>> = {};
