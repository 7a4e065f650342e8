import { Command } from 'ioredis';

type Argument = string | number | Buffer;

/**
 * A command written to the wire in one pass, for calls with thousands of arguments (an import's
 * batch). ioredis writes a command holding any Buffer by measuring and copying each string argument
 * three times, one by one; here each string is measured once, and runs of strings are encoded
 * together. Byte for byte what ioredis writes (test/store/one-pass-command.test.ts).
 */
export class OnePassCommand extends Command {
  private readonly wire: Buffer;

  /** `leading`: how many of the first arguments ioredis must see to route the command (its keys). */
  constructor(name: string, args: readonly Argument[], leading: number) {
    super(name, args.slice(0, leading), { replyEncoding: 'utf8' });
    this.wire = encodeCommand(name, args);
  }

  override toWritable(): Buffer {
    return this.wire;
  }
}

/**
 * A command in RESP: `*count`, then each part as `$length` and its bytes. Every part is measured
 * first, then written once into a buffer of the command's size: no intermediate strings.
 */
export function encodeCommand(name: string, args: readonly Argument[]): Buffer {
  const lengths = new Uint32Array(args.length);
  const nameBytes = Buffer.byteLength(name);
  let size = lengthLine(args.length + 1) + lengthLine(nameBytes) + nameBytes + 2;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const bytes = Buffer.isBuffer(arg) ? arg.length : Buffer.byteLength(asText(arg));
    lengths[i] = bytes;
    size += lengthLine(bytes) + bytes + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let at = writeLengthLine(out, 0, ASTERISK, args.length + 1);
  at = writeLengthLine(out, at, DOLLAR, nameBytes);
  at += out.write(name, at);
  at = writeCrlf(out, at);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    at = writeLengthLine(out, at, DOLLAR, lengths[i]!);
    at += Buffer.isBuffer(arg) ? arg.copy(out, at) : out.write(asText(arg), at);
    at = writeCrlf(out, at);
  }
  return out;
}

const asText = (arg: string | number) => (typeof arg === 'string' ? arg : String(arg));

const ASTERISK = 0x2a;
const DOLLAR = 0x24;

/** Bytes of `*n\r\n` or `$n\r\n`. */
function lengthLine(n: number): number {
  return 3 + digits(n);
}

function digits(n: number): number {
  let count = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    count++;
  }
  return count;
}

function writeLengthLine(out: Buffer, at: number, prefix: number, n: number): number {
  out[at++] = prefix;
  const end = at + digits(n);
  for (let p = end - 1; p >= at; p--) {
    out[p] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return writeCrlf(out, end);
}

function writeCrlf(out: Buffer, at: number): number {
  out[at] = 0x0d;
  out[at + 1] = 0x0a;
  return at + 2;
}
