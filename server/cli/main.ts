import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { connectRedis } from '../redis/connect.js';
import { ensureEmbeddedRedis } from '../redis/embedded.js';
import { ApiKeyStore } from '../store/api-keys-store.js';
import { commands as boardTokenCommands } from './board-tokens.js';
import { importSessions, requireFileOrPipe } from './sessions-import.js';
import { merchantAndMode, UsageError, type CliContext } from './cli-context.js';

const USAGE = `Usage:
  checkout-pulse keys create --merchant ID --mode live|test
  checkout-pulse keys revoke KEY
  checkout-pulse board-tokens create --merchant ID --mode live|test
  checkout-pulse board-tokens revoke TOKEN
  checkout-pulse sessions import --merchant ID --mode live|test [--file F]
      NDJSON, one checkout.session per line (F or standard input); ids already present are skipped

Talks to REDIS_URL, or to the embedded Redis under DATA_DIR (default .data) when it is unset.`;

async function run(argv: string[], cli: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { merchant: { type: 'string' }, mode: { type: 'string' }, file: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [area, verb, arg] = positionals;
  if (values.help || !area) throw new UsageError('');
  if (area === 'keys') {
    const store = new ApiKeyStore(cli.redis, systemClock);
    if (verb === 'create') {
      const { merchantId, mode } = merchantAndMode(values);
      cli.print({ key: await store.create(merchantId, mode) });
      return 0;
    }
    if (verb === 'revoke' && arg) {
      const revoked = await store.revoke(arg);
      cli.print({ revoked });
      return revoked ? 0 : 1;
    }
  }
  if (area === 'board-tokens') {
    const command = verb ? boardTokenCommands[verb] : undefined;
    if (command) return command({ ...values, token: arg }, cli);
  }
  if (area === 'sessions' && verb === 'import') {
    requireFileOrPipe(values);
    return importSessions(values, cli);
  }
  throw new UsageError(`unknown command: ${positionals.join(' ')}`);
}

async function main(): Promise<void> {
  const url = process.env.REDIS_URL;
  const embedded = url ? undefined : await ensureEmbeddedRedis(process.env.DATA_DIR ?? '.data');
  const redis = connectRedis({ url: url ?? embedded!.url, cluster: process.env.REDIS_CLUSTER === 'true', name: 'checkout-pulse:cli' });
  let code = 1;
  try {
    code = await run(process.argv.slice(2), { redis, print: (value) => process.stdout.write(`${JSON.stringify(value)}\n`) });
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      if (error.message) process.stderr.write(`${error.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      code = 2;
    } else {
      process.stderr.write(`checkout-pulse: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  } finally {
    await redis.quit().catch(() => undefined);
    await embedded?.stop();
  }
  process.exit(code);
}

await main();
