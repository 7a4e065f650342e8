/**
 * CRC-64/Jones, the checksum Redis puts at the end of a DUMP payload (reflected, polynomial
 * 0xad93d23594c935a9, initial value 0, no final xor). Kept as two 32-bit halves (no BigInt in the
 * loop) and computed four bytes at a time with the slicing-by-4 tables.
 */
const REFLECTED_HI = 0x95ac9329;
const REFLECTED_LO = 0xac4bc9b5;
const SLICES = 4;
/** TABLE_HI[s * 256 + b], TABLE_LO[…]: the CRC of byte b followed by s zero bytes. */
const TABLE_HI = new Uint32Array(256 * SLICES);
const TABLE_LO = new Uint32Array(256 * SLICES);

for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi >>>= 1;
    if (carry) {
      hi = (hi ^ REFLECTED_HI) >>> 0;
      lo = (lo ^ REFLECTED_LO) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}
for (let s = 1; s < SLICES; s++) {
  for (let i = 0; i < 256; i++) {
    const hi = TABLE_HI[(s - 1) * 256 + i]!;
    const lo = TABLE_LO[(s - 1) * 256 + i]!;
    const k = lo & 0xff;
    TABLE_LO[s * 256 + i] = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[k]!) >>> 0;
    TABLE_HI[s * 256 + i] = ((hi >>> 8) ^ TABLE_HI[k]!) >>> 0;
  }
}

/** The checksum of bytes[from, to), written little-endian at `at` (where Redis expects it). */
export function writeCrc64(bytes: Uint8Array, from: number, to: number, at: number): void {
  let hi = 0;
  let lo = 0;
  let i = from;
  for (; i + SLICES <= to; i += SLICES) {
    // The low word absorbs four input bytes; the table for each byte shifts it past the other three.
    const x = lo ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    const nextLo = hi ^ TABLE_LO[768 + (x & 0xff)]! ^ TABLE_LO[512 + ((x >>> 8) & 0xff)]! ^ TABLE_LO[256 + ((x >>> 16) & 0xff)]! ^ TABLE_LO[x >>> 24]!;
    hi = (TABLE_HI[768 + (x & 0xff)]! ^ TABLE_HI[512 + ((x >>> 8) & 0xff)]! ^ TABLE_HI[256 + ((x >>> 16) & 0xff)]! ^ TABLE_HI[x >>> 24]!) >>> 0;
    lo = nextLo >>> 0;
  }
  for (; i < to; i++) {
    const k = (lo ^ bytes[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[k]!) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[k]!) >>> 0;
  }
  for (let b = 0; b < 4; b++) {
    bytes[at + b] = (lo >>> (8 * b)) & 0xff;
    bytes[at + 4 + b] = (hi >>> (8 * b)) & 0xff;
  }
}
