import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The store is the only door to Redis: outside `server/store` (and the connection code in
 * `server/redis`) no module runs a data command, takes up the node's raw client, imports ioredis
 * for more than its types, or spells a key. Storage can then be read, and changed, in one place.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER = join(ROOT, 'server');
const DOORS = ['server/store/', 'server/redis/'];
/** Where a node is put together: the connection is handed to the stores, watched, and closed there. */
const ASSEMBLY = ['server/create-app-context.ts', 'server/main.ts'];

const COMMANDS = [
  'get', 'set', 'setnx', 'getdel', 'mget', 'mset', 'del', 'unlink', 'exists', 'expire', 'pexpire', 'ttl', 'pttl', 'type', 'object',
  'incr', 'incrby', 'decr', 'hget', 'hgetall', 'hmget', 'hset', 'hdel', 'hincrby', 'hexists', 'hlen',
  'sadd', 'srem', 'smembers', 'sismember', 'scard', 'zadd', 'zrem', 'zrange', 'zrangebyscore', 'zscore', 'zcard',
  'lpush', 'rpush', 'lpop', 'rpop', 'lrange', 'ltrim', 'llen', 'xadd', 'xrange', 'xrevrange', 'xread', 'xlen',
  'publish', 'spublish', 'ping', 'eval', 'evalsha', 'scan', 'keys', 'call', 'sendCommand', 'multi', 'pipeline',
];
const COMMAND_CALL = new RegExp(`\\b(?:redis|client|commands)\\??\\.(?:${COMMANDS.join('|')})\\s*\\(`, 'i');
const TRANSACTION = /\.(?:multi|pipeline)\s*\(/;
const IOREDIS_VALUE_IMPORT = /^\s*import\s+(?!type\b)[^;]*?from\s+['"]ioredis['"]/m;
const KEY_LITERAL = /['"`]cp:/;
/** The node's raw client taken up anywhere else: data would bypass the stores. */
const RAW_CLIENT = /\bctx\.redis\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** What in one file's text opens a door of its own: `line: rule: text` for each finding. */
function sideDoors(text: string, assembly = false): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$|^\s*\*.*$|\/\*.*?\*\//g, '');
    if (COMMAND_CALL.test(code)) found.push(`${i + 1}: data command: ${line.trim()}`);
    else if (TRANSACTION.test(code)) found.push(`${i + 1}: transaction: ${line.trim()}`);
    else if (!assembly && RAW_CLIENT.test(code)) found.push(`${i + 1}: raw client: ${line.trim()}`);
    if (KEY_LITERAL.test(code)) found.push(`${i + 1}: key literal: ${line.trim()}`);
  });
  if (IOREDIS_VALUE_IMPORT.test(text)) found.push('import of ioredis beyond its types');
  return found;
}

describe('the store is the only door to Redis', () => {
  it('finds side doors of every kind it looks for', () => {
    expect(sideDoors("const host = await ctx.redis.hget(keys.session(p, id), 'host');")).toHaveLength(1);
    expect(sideDoors('await redis.multi().lpush(key, entry).ltrim(key, 0, 9).exec();')).toHaveLength(1);
    expect(sideDoors('await client.ping();')).toHaveLength(1);
    expect(sideDoors('const batch = connection.pipeline();')).toHaveLength(1);
    expect(sideDoors('    keyPrefix: `cp:rl:${name}`,')).toHaveLength(1);
    expect(sideDoors("import { Cluster } from 'ioredis';")).toHaveLength(1);
    expect(sideDoors("import type { Cluster } from 'ioredis';")).toEqual([]);
    expect(sideDoors('const tokens = new BoardTokenStore(ctx.redis, ctx.clock);')).toHaveLength(1);
    expect(sideDoors("ctx.redis.on('ready', onReady);", true)).toEqual([]);
    expect(sideDoors("connection.onReady(renew); // not ctx.redis.get( but a comment")).toEqual([]);
    expect(sideDoors('const value = cache.get(key); headers.set(name, value);')).toEqual([]);
  });

  it('no module outside server/store and server/redis runs a command, takes up the client, imports ioredis or spells a key', () => {
    const findings = sourceFiles(SERVER)
      .map((path) => relative(ROOT, path).split('\\').join('/'))
      .filter((path) => !DOORS.some((door) => path.startsWith(door)))
      .flatMap((path) => sideDoors(readFileSync(join(ROOT, path), 'utf8'), ASSEMBLY.includes(path)).map((finding) => `${path}:${finding}`));
    expect(findings).toEqual([]);
  });
});
