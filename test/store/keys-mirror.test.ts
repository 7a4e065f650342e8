import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keys, type TenantPrefix } from '../../server/store/keys.js';

/**
 * lua/includes/keys.lua mirrors keys.ts for the keys scripts build: each of its functions must
 * build the very key its keys.ts namesake builds (`sessionKey` ↔ `keys.session`, `indexKey` ↔
 * `keys.indexPrefix` plus the index's name).
 */
const lua = readFileSync(new URL('../../server/store/lua/includes/keys.lua', import.meta.url), 'utf8');
const P = 'cp:{t:acme:live}:' as TenantPrefix;
const ARG = 'x1';

/** Each Lua key function: its name and the key it builds for P and ARG. */
function luaKeys(): Array<{ name: string; key: string }> {
  const out: Array<{ name: string; key: string }> = [];
  for (const m of lua.matchAll(/^local function (\w+)\((\w*)\) return P \.\. '([^']*)'(?: \.\. (\w+))? end$/gm)) {
    const [, name, param, suffix, appended] = m as unknown as [string, string, string, string, string | undefined];
    if (appended !== undefined) expect(appended, name).toBe(param);
    out.push({ name, key: `${P}${suffix}${appended ? ARG : ''}` });
  }
  return out;
}

function tsKey(luaName: string): string | undefined {
  if (luaName === 'indexKey') return `${keys.indexPrefix(P)}${ARG}`;
  const name = luaName.replace(/Key$/, '');
  const build = (keys as unknown as Record<string, ((p: TenantPrefix, arg: string) => string) | undefined>)[name];
  return typeof build === 'function' ? build(P, ARG) : undefined;
}

describe('keys.lua', () => {
  it('builds every key as keys.ts does', () => {
    const functions = luaKeys();
    // Every function of the file was read (one per line that defines one).
    expect(functions).toHaveLength([...lua.matchAll(/^local function /gm)].length);
    expect(functions.length).toBeGreaterThan(10);
    for (const { name, key } of functions) expect(tsKey(name), name).toBe(key);
  });
});
