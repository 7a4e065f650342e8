import { describe, expect, it } from 'vitest';
import { checkoutAuth, checkoutInbound, heartbeatMessage, isHeartbeat, isPlainHeartbeat, presenceBeaconBody } from './checkout-socket.js';

const SID = 'sess_a1b2c3d4e5f6789012ab';

describe('checkout socket schemas', () => {
  it.each([
    [{ sessionId: SID, clientSecret: 'cs_x.y' }, true],
    [{ sessionId: SID.toUpperCase(), clientSecret: 'cs_x.y' }, false],
    [{ sessionId: 'sess_123', clientSecret: 'cs_x.y' }, false],
    [{ sessionId: SID, clientSecret: '' }, false],
    [{ sessionId: SID, clientSecret: 'x'.repeat(257) }, false],
    [{ sessionId: SID, clientSecret: 'cs_x.y', admin: true }, false],
    ['sess', false],
    [null, false],
  ])('auth %j → %s', (input, ok) => {
    expect(checkoutAuth.safeParse(input).success).toBe(ok);
  });

  it.each([
    ['heartbeat', { visible: true }, true],
    ['heartbeat', { visible: false }, true],
    ['heartbeat', { visible: 'true' }, false],
    ['heartbeat', {}, false],
    ['heartbeat', { visible: true, at: 1 }, false],
    ['details_provided', {}, true],
    ['details_provided', { email: 'ana@example.com' }, true],
    ['details_provided', { email: 'ana' }, false],
    ['details_provided', { email: `${'a'.repeat(250)}@example.com` }, false],
    ['payment_method_selected', { method: 'pix' }, true],
    ['payment_method_selected', { method: 'credit_card' }, true],
    ['payment_method_selected', { method: 'cash' }, false],
    ['payment_method_selected', [], false],
  ] as const)('%s %j → %s', (event, payload, ok) => {
    expect(checkoutInbound[event].safeParse(payload).success).toBe(ok);
  });

  // The heartbeat check that skips zod must accept nothing zod refuses. Payloads arrive parsed from
  // JSON; the objects JSON cannot make are here too, so the claim holds for any value.
  it.each([
    ['visible', { visible: true }, true],
    ['hidden', { visible: false }, true],
    ['from the wire', JSON.parse('{"visible":false}'), true],
    ['visible as a string', { visible: 'true' }, false],
    ['visible as a number', { visible: 1 }, false],
    ['visible null', { visible: null }, false],
    ['visible undefined', { visible: undefined }, false],
    ['visible an object', { visible: { visible: true } }, false],
    ['no key', {}, false],
    ['an extra key', { visible: true, at: 1 }, false],
    ['an extra key first', { at: 1, visible: true }, false],
    ['another key only', { hidden: true }, false],
    ['an own __proto__ beside visible', JSON.parse('{"__proto__":{"x":1},"visible":true}'), false],
    ['visible inside an own __proto__', JSON.parse('{"__proto__":{"visible":true}}'), false],
    ['an array', [true], false],
    ['an array carrying visible', Object.assign([], { visible: true }), false],
    ['null', null, false],
    ['undefined', undefined, false],
    ['the JSON text', '{"visible":true}', false],
    ['a number', 1, false],
    ['a boolean', true, false],
    ['no prototype', Object.assign(Object.create(null) as object, { visible: true }), true],
    ['visible inherited', Object.create({ visible: true }) as object, true],
    ['an inherited extra key', Object.assign(Object.create({ at: 1 }) as object, { visible: true }), false],
    ['visible not enumerable', Object.defineProperty({}, 'visible', { value: true }), true],
    ['a Date', new Date(0), false],
    ['a Map', new Map([['visible', true]]), false],
  ] as const)('heartbeat %s → %s, the fast path never accepting what zod refuses', (_name, payload, ok) => {
    expect(heartbeatMessage.safeParse(payload).success).toBe(ok);
    expect(isHeartbeat(payload)).toBe(ok);
    if (!ok) expect(isPlainHeartbeat(payload)).toBe(false);
  });

  it('decides exactly as zod for every JSON object of these keys and values', () => {
    const keys = ['visible', 'Visible', 'at', '__proto__', ''];
    const values = ['true', 'false', '0', '1', '"true"', 'null', '{}', '[]', '{"visible":true}'];
    let checked = 0;
    for (let mask = 0; mask < 1 << keys.length; mask++) {
      const chosen = keys.filter((_, i) => mask & (1 << i));
      for (const value of values) {
        for (const other of ['true', '"x"']) {
          const text = `{${chosen.map((key, i) => `${JSON.stringify(key)}:${i === 0 ? value : other}`).join(',')}}`;
          const payload: unknown = JSON.parse(text);
          expect(isPlainHeartbeat(payload), text).toBe(heartbeatMessage.safeParse(payload).success);
          checked++;
        }
      }
    }
    expect(checked).toBe(32 * 9 * 2);
  });

  it('checks what beacons send without zod', () => {
    expect(isPlainHeartbeat({ visible: true })).toBe(true);
    expect(isPlainHeartbeat(JSON.parse('{"visible":false}'))).toBe(true);
  });

  it('names the failing field of a beacon body', () => {
    const result = presenceBeaconBody.safeParse({ sessionId: SID, clientSecret: 'cs', state: 'away' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['state']);
  });
});
