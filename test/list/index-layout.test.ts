import { describe, expect, it } from 'vitest';
import { layOutBulkIndex } from '../../server/store/import/bulk-index.js';
import { expandIncludes } from '../../server/store/scripts.js';
import { COUNTER_CODES, EQUALITY_CODES, REC_WIDTH, SLICED_BITS, SORTED_CODES } from '../../server/store/list/index-layout.js';

const lua = expandIncludes('--@include "indexes"', new Set());
/** The keys (and values) of a Lua table literal `local NAME = { … }` in the expanded indexes include. */
function luaTable(name: string): Map<string, string> {
  const body = new RegExp(`local ${name} = \\{([^}]*)\\}`).exec(lua)?.[1];
  if (!body) throw new Error(`no table ${name} in indexes.lua`);
  return new Map([...body.matchAll(/(\w+) = (\w+)/g)].map((m) => [m[1]!, m[2]!]));
}

describe('the importer\'s index layout', () => {
  it('names the same indexes as the scripts', () => {
    expect(new Set(luaTable('EQUALITY').keys())).toEqual(new Set(EQUALITY_CODES));
    expect(new Set(luaTable('COUNTER').keys())).toEqual(new Set(COUNTER_CODES));
    expect(new Set(luaTable('RANGE').keys())).toEqual(new Set(SORTED_CODES));
    expect(new Map([...luaTable('SLICED')].map(([code, bits]) => [code, Number(bits)]))).toEqual(new Map(SLICED_BITS));
    expect(lua).toContain(`local REC_WIDTH = ${REC_WIDTH}`);
  });

  it('lays out positions and bit slices from the most significant bit, trimmed of zero bytes', () => {
    // Ten sessions: amt 5 (0b101) on the 1st, 2 (0b10) on the 10th; status everywhere.
    const batch = Array.from({ length: 10 }, (_, i) => ['st', i < 9 ? 'active' : 'failed', ...(i === 0 ? ['amt', '5'] : i === 9 ? ['amt', '2'] : [])]);
    const layout = layOutBulkIndex(batch);
    const bytes = (ref: [number, number, number]) => [ref[0], [...layout.bytes.subarray(ref[1] - 1, ref[2])]];
    const active = layout.eq.find(([code, value]) => code === 'st' && value === 'active')!;
    // Nine sessions: bits only (the script reads positions off them when it needs them).
    expect(active[2]).toEqual([]);
    expect(bytes(active[3]!)).toEqual([0, [0xff, 0x80]]);
    expect(layout.eq.find(([, value]) => value === 'failed')).toEqual(['st', 'failed', [10], null]);
    const [, present, slices] = layout.sl.find(([code]) => code === 'amt')!;
    expect(bytes(present as [number, number, number])).toEqual([0, [0x80, 0x40]]);
    const bits = new Map<number, unknown>();
    for (let i = 0; i < slices.length; i += 2) bits.set(slices[i] as number, bytes(slices[i + 1] as [number, number, number]));
    // Bit 0 only on the 1st, bit 1 only on the 10th (its zero first byte trimmed), bit 2 on the 1st.
    expect(bits).toEqual(new Map([[0, [0, [0x80]]], [1, [1, [0x40]]], [2, [0, [0x80]]]]));
  });
});
