/**
 * CRC-64/Jones, the checksum Redis puts at the end of a DUMP payload (reflected, polynomial
 * 0xad93d23594c935a9, initial value 0, no final xor). Kept as two 32-bit halves: byte-wise table
 * lookups on plain numbers, no BigInt in the loop.
 */
const REFLECTED_HI = 0x95ac9329;
const REFLECTED_LO = 0xac4bc9b5;
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

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

/** The checksum of bytes[from, to), written little-endian at `at` (where Redis expects it). */
export function writeCrc64(bytes: Uint8Array, from: number, to: number, at: number): void {
  let hi = 0;
  let lo = 0;
  for (let i = from; i < to; i++) {
    const k = (lo ^ bytes[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[k]!) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[k]!) >>> 0;
  }
  for (let b = 0; b < 4; b++) {
    bytes[at + b] = (lo >>> (8 * b)) & 0xff;
    bytes[at + 4 + b] = (hi >>> (8 * b)) & 0xff;
  }
}
