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

/** A command in RESP: `*count`, then each part as `$length` and its bytes. */
export function encodeCommand(name: string, args: readonly Argument[]): Buffer {
  const segments: Array<string | Buffer> = [];
  let text = `*${args.length + 1}\r\n$${Buffer.byteLength(name)}\r\n${name}\r\n`;
  let size = 0;
  for (const arg of args) {
    if (Buffer.isBuffer(arg)) {
      text += `$${arg.length}\r\n`;
      segments.push(text, arg);
      size += Buffer.byteLength(text) + arg.length;
      text = '\r\n';
      continue;
    }
    const value = typeof arg === 'string' ? arg : String(arg);
    text += `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  }
  segments.push(text);
  size += Buffer.byteLength(text);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const segment of segments) {
    at += typeof segment === 'string' ? out.write(segment, at) : segment.copy(out, at);
  }
  return out;
}
