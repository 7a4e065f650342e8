import { systemClock } from '../clock.js';
import { BoardTokenStore } from '../store/board-tokens-store.js';
import { merchantAndMode, type CliContext } from './cli-context.js';

type Args = { merchant?: string | undefined; mode?: string | undefined; token?: string | undefined };

function boardUrl(token: string): string {
  const base = (process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`).replace(/\/$/, '');
  return `${base}/board?token=${encodeURIComponent(token)}`;
}

/** `board-tokens create|revoke`: read-only board links. */
export const commands: Record<string, (args: Args, cli: CliContext) => Promise<number>> = {
  async create(args, cli) {
    const tenant = merchantAndMode(args);
    const token = await new BoardTokenStore(cli.redis, systemClock).create(tenant);
    cli.print({ token, url: boardUrl(token) });
    return 0;
  },
  async revoke(args, cli) {
    if (!args.token) return 2;
    const revoked = await new BoardTokenStore(cli.redis, systemClock).revoke(args.token);
    cli.print({ revoked });
    return revoked ? 0 : 1;
  },
};
