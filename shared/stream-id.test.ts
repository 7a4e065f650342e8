import { describe, expect, it } from 'vitest';
import { compareStreamIds } from './stream-id.js';

const reference = (a: string, b: string) => {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
};

describe('compareStreamIds', () => {
  it('orders ids as pairs of numbers, not as text', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1);
    expect(compareStreamIds('10-2', '10-10')).toBe(-1);
    expect(compareStreamIds('10-10', '10-10')).toBe(0);
    expect(compareStreamIds('1700000000001-0', '1700000000000-99')).toBe(1);
    expect(compareStreamIds('5', '5-0')).toBe(0);
  });

  it('agrees with a plain comparison over random ids', () => {
    const id = () => `${1_700_000_000_000 + Math.floor(Math.random() * 5)}-${Math.floor(Math.random() * 12)}`;
    for (let i = 0; i < 2_000; i++) {
      const a = id();
      const b = id();
      expect(compareStreamIds(a, b), `${a} vs ${b}`).toBe(reference(a, b));
    }
  });
});
