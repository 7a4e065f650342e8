import { writeCrc64 } from './crc64.js';

/**
 * Small hashes as Redis DUMP payloads, so an import creates each with one RESTORE instead of an
 * HSET that scans its listpack once per field. A payload is what DUMP gives for a listpack-encoded
 * hash: the object type (16), the listpack as an RDB string, the RDB version (10, Redis 7.0: any
 * later server reads it) and the CRC-64 of all that. The listpack is byte for byte the one HSET
 * builds from the same pairs in the same order (test/store/hash-dumps.test.ts holds it to DUMP).
 *
 * A hash HSET would not keep as a listpack (a field or value longer than hash-max-listpack-value,
 * more pairs than hash-max-listpack-entries) has no payload here: the caller writes it with HSET.
 * The limits only keep the two paths alike; RESTORE reads any listpack correctly.
 */
const RDB_TYPE_HASH_LISTPACK = 16;
const RDB_VERSION = 10;

/** The server's hash-max-listpack-value and hash-max-listpack-entries (Redis's defaults: 64, 512). */
export interface ListpackLimits {
  valueBytes: number;
  pairs: number;
}
export const DEFAULT_LISTPACK_LIMITS: ListpackLimits = { valueBytes: 64, pairs: 512 };
const LISTPACK_HEADER = 6;
const LISTPACK_END = 0xff;
const TWO_32 = 2 ** 32;
const MAX_CACHED_FIELDS = 256;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Encodes hashes as DUMP payloads, one batch's worth into shared buffers. */
export class HashDumps {
  private out = Buffer.allocUnsafe(1 << 16);
  private size = 0;
  /** The listpack being built (its header is filled in last). */
  private lp = Buffer.allocUnsafe(1 << 12);
  private at = 0;
  /** Fields' entries as encoded: the same few names recur in every hash. */
  private readonly fields = new Map<string, Uint8Array>();

  constructor(private readonly limits: ListpackLimits = DEFAULT_LISTPACK_LIMITS) {}

  /**
   * The payload of a hash with these [field, value, …] pairs (undefined when it is not a listpack),
   * written after the ones before it in a shared buffer: payloads stay valid as more are added.
   */
  add(pairs: readonly string[]): Buffer | undefined {
    if (pairs.length === 0 || pairs.length > 2 * this.limits.pairs) return undefined;
    this.at = LISTPACK_HEADER;
    for (let i = 0; i < pairs.length; i += 2) {
      if (!this.field(pairs[i]!) || !this.entry(pairs[i + 1]!)) return undefined;
    }
    const lp = this.lp;
    lp[this.at++] = LISTPACK_END;
    const lpBytes = this.at;
    lp.writeUInt32LE(lpBytes, 0);
    // The entry count, or 65535 for "count them" when it does not fit (a server allowing huge listpacks).
    lp.writeUInt16LE(Math.min(pairs.length, 0xffff), 4);

    const lengthBytes = lpBytes < 64 ? 1 : lpBytes < 16_384 ? 2 : 5;
    const payload = 1 + lengthBytes + lpBytes + 2 + 8;
    this.reserve(payload);
    const out = this.out;
    const start = this.size;
    let p = start;
    out[p++] = RDB_TYPE_HASH_LISTPACK;
    if (lengthBytes === 1) out[p++] = lpBytes;
    else if (lengthBytes === 2) {
      out[p++] = 0x40 | (lpBytes >> 8);
      out[p++] = lpBytes & 0xff;
    } else {
      out[p++] = 0x80;
      out.writeUInt32BE(lpBytes, p);
      p += 4;
    }
    lp.copy(out, p, 0, lpBytes);
    p += lpBytes;
    out[p++] = RDB_VERSION & 0xff;
    out[p++] = RDB_VERSION >> 8;
    writeCrc64(out, start, p, p);
    this.size = start + payload;
    return out.subarray(start, this.size);
  }

  /** Room for the next payload: a fresh buffer when this one is full (earlier payloads keep theirs). */
  private reserve(bytes: number): void {
    if (this.size + bytes <= this.out.length) return;
    this.out = Buffer.allocUnsafe(Math.max(this.out.length, bytes));
    this.size = 0;
  }

  /** A field: the same few names in every hash, so each is encoded once and copied after that. */
  private field(name: string): boolean {
    let encoded = this.fields.get(name);
    if (!encoded) {
      const at = this.at;
      if (!this.entry(name)) return false;
      encoded = Uint8Array.from(this.lp.subarray(at, this.at));
      this.at = at;
      if (this.fields.size >= MAX_CACHED_FIELDS) this.fields.clear();
      this.fields.set(name, encoded);
    }
    const lp = this.lp;
    let at = this.at;
    for (let i = 0; i < encoded.length; i++) lp[at++] = encoded[i]!;
    this.at = at;
    return true;
  }

  /** One listpack entry (encoding, data, back length); false when it is too long for a listpack hash. */
  private entry(item: string): boolean {
    const n = item.length;
    if (n > this.limits.valueBytes) return false;
    if (this.at + 3 * n + 16 > this.lp.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.lp.length * 2, this.at + 3 * n + 16));
      this.lp.copy(grown, 0, 0, this.at);
      this.lp = grown;
    }
    const lp = this.lp;
    const start = this.at;
    // The string's UTF-8 goes after the header its length in characters suggests (moved along when
    // more bytes make it longer), noting on the way whether it is a canonical integer (which
    // listpack stores as a number instead).
    const data = start + (n < 64 ? 1 : 2);
    let p = data;
    let canonical = n > 0 && n <= 20;
    for (let i = 0; i < n; i++) {
      const c = item.charCodeAt(i);
      if (c < 0x80) {
        lp[p++] = c;
        if (canonical && !((c >= 0x30 && c <= 0x39) || (c === 0x2d && i === 0))) canonical = false;
        continue;
      }
      canonical = false;
      if (c < 0x800) {
        lp[p++] = 0xc0 | (c >> 6);
        lp[p++] = 0x80 | (c & 0x3f);
        continue;
      }
      const next = item.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const point = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        lp[p++] = 0xf0 | (point >> 18);
        lp[p++] = 0x80 | ((point >> 12) & 0x3f);
        lp[p++] = 0x80 | ((point >> 6) & 0x3f);
        lp[p++] = 0x80 | (point & 0x3f);
        i++;
        continue;
      }
      // A lone surrogate is written as U+FFFD, as Buffer writes it.
      const unit = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
      lp[p++] = 0xe0 | (unit >> 12);
      lp[p++] = 0x80 | ((unit >> 6) & 0x3f);
      lp[p++] = 0x80 | (unit & 0x3f);
    }
    const bytes = p - data;
    if (bytes > this.limits.valueBytes) return false;
    if (canonical && isCanonical(item) && this.integer(item)) {
      // written by integer()
    } else if (bytes < 64) {
      lp[start] = 0x80 | bytes;
      this.at = p;
    } else {
      if (data === start + 1) {
        lp.copyWithin(data + 1, data, p);
        p++;
      }
      lp[start] = 0xe0 | (bytes >> 8);
      lp[start + 1] = bytes & 0xff;
      this.at = p;
    }
    const length = this.at - start;
    if (length <= 127) lp[this.at++] = length;
    else {
      lp[this.at++] = length >> 7;
      lp[this.at++] = (length & 127) | 128;
    }
    return true;
  }

  /** The smallest integer encoding of a canonical integer; false past 64 bits. */
  private integer(item: string): boolean {
    const lp = this.lp;
    let at = this.at;
    if (item.length > 15) {
      const big = BigInt(item);
      if (big < INT64_MIN || big > INT64_MAX) return false;
      lp[at++] = 0xf4;
      lp.writeBigInt64LE(big, at);
      this.at = at + 8;
      return true;
    }
    let v = Number(item);
    if (v >= 0 && v <= 127) lp[at++] = v;
    else if (v >= -4096 && v <= 4095) {
      if (v < 0) v += 1 << 13;
      lp[at++] = 0xc0 | (v >> 8);
      lp[at++] = v & 0xff;
    } else if (v >= -32_768 && v <= 32_767) {
      lp[at++] = 0xf1;
      lp.writeInt16LE(v, at);
      at += 2;
    } else if (v >= -8_388_608 && v <= 8_388_607) {
      lp[at++] = 0xf2;
      lp.writeIntLE(v, at, 3);
      at += 3;
    } else if (v >= -2_147_483_648 && v <= 2_147_483_647) {
      lp[at++] = 0xf3;
      lp.writeInt32LE(v, at);
      at += 4;
    } else {
      const hi = Math.floor(v / TWO_32);
      lp[at++] = 0xf4;
      lp.writeUInt32LE(v - hi * TWO_32, at);
      lp.writeInt32LE(hi, at + 4);
      at += 8;
    }
    this.at = at;
    return true;
  }
}

/** Digits with an optional leading '-' (already checked): canonical when no leading zero, as listpack's parser wants. */
function isCanonical(item: string): boolean {
  const first = item.charCodeAt(0) === 0x2d ? 1 : 0;
  if (first === item.length) return false;
  return item.charCodeAt(first) !== 0x30 || (item.length === 1);
}
