import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisClient } from '../../server/redis/connect.js';
import { writeCrc64 } from '../../server/store/import/crc64.js';
import { HashDumps, type ListpackLimits } from '../../server/store/import/hash-dumps.js';
import { rng, type Rng } from '../helpers/rng.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

/**
 * The import's hash payloads are what Redis's own DUMP gives for the same HSET: byte for byte, for
 * every integer width listpack has, strings on both sides of each length boundary, and text that
 * is not ASCII. Hashes HSET would not keep as a listpack get no payload.
 */
let server: TestRedis;
let redis: RedisClient;
/** Set as the embedded server sets them: values up to 256 bytes stay in a listpack. */
const limits: ListpackLimits = { valueBytes: 256, pairs: 512 };

beforeAll(async () => {
  server = await startTestRedis();
  redis = connectRedis({ url: server.url });
  // DUMP compresses strings with LZF by default; the payloads here are not compressed.
  await redis.config('SET', 'rdbcompression', 'no');
  expect(await redis.config('GET', 'hash-max-listpack-*')).toEqual(expect.arrayContaining(['hash-max-listpack-value', '256', 'hash-max-listpack-entries', '512']));
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const INTEGERS = [
  '0', '1', '127', '128', '-1', '4095', '4096', '-4096', '-4097', '32767', '32768', '-32768', '-32769',
  '8388607', '8388608', '-8388608', '-8388609', '2147483647', '2147483648', '-2147483648', '-2147483649',
  '1780000000000', '-1780000000000', '9007199254740991', '9223372036854775807', '-9223372036854775808',
];
const NOT_INTEGERS = ['00', '01', '-0', '+1', ' 1', '1 ', '1.5', '1e3', '9223372036854775808', '-9223372036854775809', '123456789012345678901', ''];

function text(r: Rng, length: number): string {
  // Two- and three-byte characters, and both halves of an emoji's surrogate pair (so also lone
  // surrogates, which UTF-8 writes as U+FFFD).
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789_-@.:/ãçé€😀';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[r.int(0, alphabet.length - 1)];
  return out;
}

function randomValue(r: Rng): string {
  const kind = r.int(0, 3);
  if (kind === 0) return r.pick(INTEGERS);
  if (kind === 1) return r.pick(NOT_INTEGERS);
  if (kind === 2) return String(r.int(-10_000_000, 10_000_000));
  // Up to the limit in bytes, whatever the characters.
  let value = text(r, r.pick([1, 10, 30, 40, 60, 62, 63, 64, 65, 127, 128, 200, 256]));
  while (Buffer.byteLength(value) > limits.valueBytes) value = value.slice(0, -1);
  return value;
}

async function dumpOf(pairs: string[]): Promise<Buffer> {
  await redis.del('h');
  await redis.hset('h', ...pairs);
  expect(await redis.object('ENCODING', 'h')).toBe('listpack');
  return (await redis.dumpBuffer('h'))!;
}

describe('hash dumps', () => {
  it('computes the checksum Redis does', () => {
    const bytes = Buffer.concat([Buffer.from('123456789'), Buffer.alloc(8)]);
    writeCrc64(bytes, 0, 9, 9);
    expect(bytes.readBigUInt64LE(9)).toBe(0xe9c6d914c4b8d9can);
  });

  it('encodes every hash byte for byte as DUMP does, and RESTORE reads it back', async () => {
    const r = rng(5);
    const dumps = new HashDumps(limits);
    const cases: Array<{ pairs: string[]; expected: Buffer }> = [];
    for (let n = 0; n < 300; n++) {
      const fields = new Set<string>();
      const pairs: string[] = [];
      const count = r.pick([1, 2, 5, 25, 40, 512]);
      while (fields.size < count) {
        const field = n % 3 === 0 ? randomValue(r) : `f${r.int(0, 999)}`;
        // Fields are told apart as Redis stores them: in UTF-8.
        const stored = Buffer.from(field).toString();
        if (fields.has(stored)) continue;
        fields.add(stored);
        pairs.push(field, randomValue(r));
      }
      cases.push({ pairs, expected: await dumpOf(pairs) });
    }
    // All encoded first: later payloads must leave earlier ones as they were.
    const payloads = cases.map((c) => dumps.add(c.pairs));
    for (const [k, { pairs, expected }] of cases.entries()) {
      const payload = payloads[k];
      expect(payload, `hash ${k}`).toBeDefined();
      expect(payload!.equals(expected), `hash ${k}: ${JSON.stringify(pairs).slice(0, 200)}`).toBe(true);
      await redis.del('restored');
      await redis.restore('restored', 0, payload!);
      expect(await redis.object('ENCODING', 'restored')).toBe('listpack');
      expect(await redis.hgetall('restored')).toEqual(Object.fromEntries(pairsToEntries(pairs)));
    }
  });

  it('gives no payload for what HSET would not keep as a listpack', async () => {
    const dumps = new HashDumps(limits);
    const long = 'x'.repeat(257);
    const wide = 'ç'.repeat(129); // 258 bytes in 129 characters
    expect(dumps.add(['a', long])).toBeUndefined();
    expect(dumps.add([long, 'a'])).toBeUndefined();
    expect(dumps.add(['a', wide])).toBeUndefined();
    expect(dumps.add(Array.from({ length: 513 }, (_, i) => [`f${i}`, 'v']).flat())).toBeUndefined();
    expect(dumps.add([])).toBeUndefined();
    for (const pairs of [['a', long], Array.from({ length: 513 }, (_, i) => [`f${i}`, 'v']).flat()]) {
      await redis.del('h');
      await redis.hset('h', ...pairs);
      expect(await redis.object('ENCODING', 'h')).toBe('hashtable');
    }
    // A refused hash leaves nothing behind: the next one is whole.
    expect(dumps.add(['a', '1'])!.equals(await dumpOf(['a', '1']))).toBe(true);
  });
});

function pairsToEntries(pairs: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  // What HGETALL gives back: the UTF-8 read again (a lone surrogate returns as U+FFFD).
  const stored = (text: string) => Buffer.from(text).toString();
  for (let i = 0; i < pairs.length; i += 2) out.push([stored(pairs[i]!), stored(pairs[i + 1]!)]);
  return out;
}
