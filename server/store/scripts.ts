import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from '../redis/connect.js';
import { fieldsLua } from './session-fields.js';

/**
 * Lua scripts live in lua/, one file per transition, named `verb-N.lua` where N is the number of
 * KEYS. Shared pieces live in lua/includes/ and are pulled in with `--@include "name"`, each once,
 * where the line stands: an include names the includes it uses at its top, so it is always preceded
 * by them (test/store/lua-includes.test.ts holds every file to that). `fields` is written from the
 * table of session fields rather than read from a file.
 * Scripts are registered with `defineCommand`, so ioredis sends EVALSHA and reloads on NOSCRIPT.
 */
const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'lua');
const INCLUDE = /^--@include "([\w-]+)"\s*$/gm;

export interface ScriptSource {
  name: string;
  numberOfKeys: number;
  lua: string;
  /** SHA-1 of the source, as EVALSHA names it. */
  sha: string;
}

/** Includes written from TypeScript tables. */
const GENERATED: Record<string, (() => string) | undefined> = { fields: fieldsLua };

/** A source with its includes expanded (each once, depth first): what Redis runs. */
export function expandIncludes(source: string, seen: Set<string>): string {
  return source.replace(INCLUDE, (_line, name: string) => {
    if (seen.has(name)) return `-- (${name} already included)`;
    seen.add(name);
    const body = GENERATED[name]?.() ?? readFileSync(join(LUA_DIR, 'includes', `${name}.lua`), 'utf8');
    return `-- >>> ${name}\n${expandIncludes(body, seen)}\n-- <<< ${name}`;
  });
}

let cached: ScriptSource[] | undefined;

export function loadScripts(): ScriptSource[] {
  cached ??= readdirSync(LUA_DIR)
    .filter((file) => file.endsWith('.lua'))
    .sort()
    .map((file) => {
      const match = /^(\w+)-(\d+)\.lua$/.exec(file);
      if (!match?.[1] || !match[2]) throw new Error(`Lua script ${file} must be named verb-N.lua`);
      // Every script may reach its tenant's shard's schedule key, in another slot of the same shard.
      const lua = `#!lua flags=allow-cross-slot-keys\n${expandIncludes(readFileSync(join(LUA_DIR, file), 'utf8'), new Set())}`;
      return { name: match[1], numberOfKeys: Number(match[2]), lua, sha: createHash('sha1').update(lua).digest('hex') };
    });
  return cached;
}

const registered = new WeakSet<object>();

/** Registers every script on a connection, once. */
export function registerScripts(redis: RedisClient): void {
  if (registered.has(redis)) return;
  for (const script of loadScripts()) {
    redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  registered.add(redis);
}

export type ScriptArg = string | number | Buffer;
/** A registered script as ioredis defines it: it also takes its arguments as one array. */
type ScriptFn = (args: ScriptArg[]) => Promise<unknown>;

/** Calls a registered script; each store module wraps this in one typed function per script. */
export function runScript(redis: RedisClient, name: string, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  registerScripts(redis);
  const fn = (redis as unknown as Record<string, ScriptFn | undefined>)[name];
  if (typeof fn !== 'function') throw new Error(`Unknown Lua script ${name}`);
  // One array argument (ioredis flattens it): a bulk script's thousands of arguments are not spread
  // onto the call stack.
  return fn.call(redis, [...keys, ...args]);
}

/**
 * Refusals: scripts return small negative integers, turned into errors in one place.
 */
export const Refusal = {
  NotFound: -1,
  IllegalTransition: -2,
  AlreadyExists: -3,
} as const;
export type RefusalCode = (typeof Refusal)[keyof typeof Refusal];

export class ScriptRefusal extends Error {
  override name = 'ScriptRefusal';
  constructor(readonly code: RefusalCode, readonly detail?: string) {
    super(`script refused: ${code}${detail ? ` (${detail})` : ''}`);
  }
}

/** Throws the refusal a script returned, or passes its reply through. */
export function checkRefusal(reply: unknown, detail?: string): unknown {
  const code = Array.isArray(reply) ? reply[0] : reply;
  if (typeof code === 'number' && code < 0) throw new ScriptRefusal(code as RefusalCode, detail);
  return reply;
}
