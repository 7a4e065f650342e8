import { Command } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../server/store/import/one-pass-command.js';
import { rng } from '../helpers/rng.js';

/** ioredis's own wire form of a command, as a Buffer. */
function ioredisWire(name: string, args: Array<string | number | Buffer>): Buffer {
  const writable = new Command(name, args).toWritable({} as never);
  return Buffer.isBuffer(writable) ? writable : Buffer.from(writable);
}

describe('one-pass commands', () => {
  it('write what ioredis writes: strings of any script, numbers, buffers, empty ones, in any order', () => {
    const r = rng(11);
    const texts = ['', 'a', 'sess_0123456789abcdef0123', '{"t":"created","at":1780000000000}', 'São Paulo', '€'.repeat(40), '😀', 'x'.repeat(300)];
    for (let n = 0; n < 200; n++) {
      const args: Array<string | number | Buffer> = [];
      const count = r.int(0, 60);
      for (let i = 0; i < count; i++) {
        const kind = r.int(0, 3);
        if (kind === 0) args.push(r.pick(texts));
        else if (kind === 1) args.push(r.int(-1_000_000, 1_000_000));
        else if (kind === 2) args.push(Buffer.from(Array.from({ length: r.pick([0, 1, 9, 400]) }, () => r.int(0, 255))));
        else args.push(r.pick(texts) + String(i));
      }
      expect(encodeCommand('evalsha', args).equals(ioredisWire('evalsha', args)), JSON.stringify(args).slice(0, 200)).toBe(true);
    }
  });
});
