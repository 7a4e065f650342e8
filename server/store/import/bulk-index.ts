import { COUNTER_CODES, EQUALITY_CODES, SLICED_BITS } from '../list/index-layout.js';
import { isMetadataCode } from '../session-codec.js';

/**
 * A batch's bits over its positions (position k, from 1, is bit k-1 counted from the most significant
 * bit of byte 0), without the zero bytes at either end: the first byte kept, and where the bytes
 * are in the layout's `bytes` (from and to, counted from 1, as Lua's string.sub takes them).
 */
export type BatchBits = [startByte: number, from: number, to: number];

/**
 * An equality value's sessions: [code, value, positions, bits]. From 8 sessions on they come as
 * bits, with no positions (the script reads them off the bits in the rare case it needs them: a
 * value still kept as a set); below that, as positions only.
 */
export type EqualityGroup = [code: string, value: string, positions: number[], bits: BatchBits | null];

/** A bit-sliced field: [code, sessions that have it, [bit, its bits, bit, its bits, …]]. */
export type SlicedField = [code: string, present: BatchBits, slices: Array<number | BatchBits>];

/** The list index entries of a batch of new sessions, laid out for `importSessions` to place. */
export interface BulkIndex {
  eq: EqualityGroup[];
  sl: SlicedField[];
  /** The small counters' values the batch holds, [code, value, …] (ranges over them are unions). */
  counters: string[];
  /** Every bitmap's bytes, one after another (MessagePack in Redis has no binary type). */
  bytes: Buffer;
}

/** Groups below this size are sets almost always; the script builds their bits itself when not. */
const BITS_FROM = 8;
const TWO_32 = 2 ** 32;

/** Keeps bitmaps' bytes, without the zero bytes at either end, in one buffer. */
class ByteSink {
  private chunks: Uint8Array[] = [];
  private size = 0;

  add(bytes: Uint8Array): BatchBits {
    let start = 0;
    let end = bytes.length;
    while (start < end && bytes[start] === 0) start++;
    while (end > start && bytes[end - 1] === 0) end--;
    this.chunks.push(bytes.subarray(start, end));
    const from = this.size + 1;
    this.size += end - start;
    return [start, from, this.size];
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

const setBit = (bytes: Uint8Array, position: number) => {
  bytes[position >> 3]! |= 0x80 >> (position & 7);
};

/** Sets the session's bit in the slice of each set bit of a 32-bit word of its value (bits base…). */
function sliceWord(slices: Array<Uint8Array | undefined>, value: number, base: number, width: number, position: number, byteCount: number): void {
  let word = value >>> 0;
  while (word !== 0) {
    const low = word & -word;
    word ^= low;
    const bit = base + 31 - Math.clz32(low);
    if (bit < width) setBit((slices[bit] ??= new Uint8Array(byteCount)), position);
  }
}

/**
 * Lays out the list index entries of a batch of sessions (their stored [code, value, …] pairs, in
 * ordinal order): every equality value's positions, and every bit slice of the bit-sliced fields,
 * as the script will write them once it has given the batch its ordinals. This is the per-session work of a bulk load,
 * done here rather than in Redis's single thread; the script still writes every entry, atomically
 * with the sessions.
 */
export function layOutBulkIndex(batch: ReadonlyArray<readonly string[]>): BulkIndex {
  const byteCount = (batch.length + 7) >> 3;
  const equal = new Map<string, Map<string, number[]>>();
  const sliced = new Map<string, { present: Uint8Array; slices: Array<Uint8Array | undefined> }>();
  batch.forEach((pairs, position) => {
    for (let j = 0; j + 1 < pairs.length; j += 2) {
      const code = pairs[j]!;
      const value = pairs[j + 1]!;
      if (EQUALITY_CODES.has(code as never) || isMetadataCode(code)) {
        let values = equal.get(code);
        if (!values) equal.set(code, (values = new Map()));
        const positions = values.get(value);
        if (positions) positions.push(position + 1);
        else values.set(value, [position + 1]);
        continue;
      }
      const width = SLICED_BITS.get(code as never);
      if (width === undefined) continue;
      let field = sliced.get(code);
      if (!field) sliced.set(code, (field = { present: new Uint8Array(byteCount), slices: [] }));
      setBit(field.present, position);
      const number = Number(value);
      const v = Number.isFinite(number) && number > 0 ? Math.floor(number) : 0;
      sliceWord(field.slices, v % TWO_32, 0, width, position, byteCount);
      sliceWord(field.slices, Math.floor(v / TWO_32), 32, width, position, byteCount);
    }
  });

  const sink = new ByteSink();
  const eq: EqualityGroup[] = [];
  const counters: string[] = [];
  for (const [code, values] of equal) {
    for (const [value, positions] of values) {
      let bits: BatchBits | null = null;
      if (positions.length >= BITS_FROM) {
        const bytes = new Uint8Array(byteCount);
        for (const k of positions) setBit(bytes, k - 1);
        bits = sink.add(bytes);
      }
      eq.push([code, value, bits ? [] : positions, bits]);
      if (COUNTER_CODES.has(code as never)) counters.push(code, value);
    }
  }
  const sl: SlicedField[] = [];
  for (const [code, field] of sliced) {
    const slices: Array<number | BatchBits> = [];
    field.slices.forEach((bytes, bit) => bytes && slices.push(bit, sink.add(bytes)));
    sl.push([code, sink.add(field.present), slices]);
  }
  return { eq, sl, counters, bytes: sink.bytes() };
}
