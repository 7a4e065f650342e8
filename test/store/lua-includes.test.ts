import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandIncludes } from '../../server/store/scripts.js';

/**
 * Every Lua file names the includes it uses: a name it calls or reads that it does not define
 * itself must be defined by what its own `--@include` lines bring in (which the loader expands
 * depth first, so they always come before it). A missing include would otherwise fail only at run
 * time, on the one path that uses the name.
 */
const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../server/store/lua');
const INCLUDES = join(LUA_DIR, 'includes');

/** Lua's own names and the globals Redis gives scripts. */
const GLOBALS = new Set([
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'if', 'in', 'local', 'nil', 'not', 'or',
  'repeat', 'return', 'then', 'true', 'until', 'while',
  'KEYS', 'ARGV', 'redis', 'cjson', 'cmsgpack', 'bit', 'struct', 'math', 'string', 'table',
  'tonumber', 'tostring', 'ipairs', 'pairs', 'unpack', 'type', 'error', 'pcall', 'assert', 'select', 'next',
]);

/** Source without comments and string literals, which hold words that are not names. */
function code(source: string): string {
  return source
    .replace(/--\[\[[\s\S]*?\]\]/g, '')
    .replace(/--[^\n]*/g, '')
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g, "''");
}

/** Names a chunk defines anywhere: locals, functions, parameters, loop variables. */
function defined(source: string): Set<string> {
  const names = new Set<string>();
  const add = (list: string) => list.split(',').map((n) => n.trim()).filter((n) => /^\w+$/.test(n)).forEach((n) => names.add(n));
  const text = code(source);
  for (const m of text.matchAll(/\blocal\s+function\s+(\w+)/g)) names.add(m[1]!);
  for (const m of text.matchAll(/\blocal\s+(?!function\b)([\w\s,]+?)(?==|\n|$)/g)) add(m[1]!);
  for (const m of text.matchAll(/\bfunction\s*[\w.:]*\s*\(([^)]*)\)/g)) add(m[1]!);
  for (const m of text.matchAll(/\bfor\s+([\w\s,]+?)\s*(?:=|\bin\b)/g)) add(m[1]!);
  return names;
}

/** Names a chunk reads or calls, other than fields (`a.b`, `a:b()`) and table keys (`{ b = 1 }`). */
function used(source: string): Set<string> {
  const names = new Set<string>();
  const text = code(source).replace(/(\w+)\s*=(?!=)/g, (all, name: string, offset: number, whole: string) => {
    // An assignment's target is a use (it must exist), but a key inside a table constructor is not.
    const before = whole.slice(0, offset);
    const depth = (before.match(/\{/g)?.length ?? 0) - (before.match(/\}/g)?.length ?? 0);
    return depth > 0 ? '' : `${name} =`;
  });
  for (const m of text.matchAll(/(?<![.:\w])([A-Za-z_]\w*)/g)) {
    if (!/^\d/.test(m[1]!)) names.add(m[1]!);
  }
  return names;
}

function includesOf(source: string): string[] {
  return [...source.matchAll(/^--@include "([\w-]+)"\s*$/gm)].map((m) => m[1]!);
}

const files = [
  ...readdirSync(INCLUDES).filter((f) => f.endsWith('.lua')).map((f) => ({ name: `includes/${f}`, path: join(INCLUDES, f) })),
  ...readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua')).map((f) => ({ name: f, path: join(LUA_DIR, f) })),
];

describe('Lua includes', () => {
  it.each(files)('$name uses only names it defines or includes', ({ name, path }) => {
    const source = readFileSync(path, 'utf8');
    const brought = expandIncludes(includesOf(source).map((name) => `--@include "${name}"`).join('\n'), new Set());
    const known = new Set([...GLOBALS, ...defined(source), ...defined(brought)]);
    expect([...used(source)].filter((word) => !known.has(word)).sort(), `${name} uses names it neither defines nor includes`).toEqual([]);
  });
});
