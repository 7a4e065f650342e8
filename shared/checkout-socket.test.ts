import { describe, expect, it } from 'vitest';
import { checkoutAuth, checkoutInbound, presenceBeaconBody } from './checkout-socket.js';

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

  it('names the failing field of a beacon body', () => {
    const result = presenceBeaconBody.safeParse({ sessionId: SID, clientSecret: 'cs', state: 'away' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['state']);
  });
});
