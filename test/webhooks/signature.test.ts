import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../server/webhooks/signature.js';

const SECRET = 'whsec_test';
const BODY = '{"id":"1767225600000-0","object":"event","type":"created"}';
const T = 1_767_225_600;
const good = signatureHeader(SECRET, T, BODY);

describe('verifySignature', () => {
  it('accepts the header made for the body, as a string or as the raw bytes', () => {
    expect(good).toMatch(/^t=1767225600,v1=[0-9a-f]{64}$/);
    expect(verifySignature(BODY, good, SECRET, { nowSeconds: T })).toBe(true);
    expect(verifySignature(Buffer.from(BODY), good, SECRET, { nowSeconds: T + 299 })).toBe(true);
    // While a secret is rolled, several v1 values may come; one matching is enough.
    expect(verifySignature(BODY, `t=${T},v1=${'0'.repeat(64)},${good.split(',')[1]!}`, SECRET, { nowSeconds: T })).toBe(true);
  });

  it.each([
    ['another body', BODY.replace('created', 'expired'), good, SECRET, T],
    ['another secret', BODY, good, 'whsec_other', T],
    ['a stale timestamp', BODY, good, SECRET, T + 301],
    ['a timestamp from the future', BODY, good, SECRET, T - 301],
    ['a timestamp changed after signing', BODY, good.replace(`t=${T}`, `t=${T + 1}`), SECRET, T],
    ['no header', BODY, undefined, SECRET, T],
    ['no v1', BODY, `t=${T}`, SECRET, T],
    ['no t', BODY, good.split(',')[1]!, SECRET, T],
    ['a malformed v1', BODY, `t=${T},v1=zz`, SECRET, T],
  ])('refuses %s', (_what, body, header, secret, now) => {
    expect(verifySignature(body, header, secret, { nowSeconds: now })).toBe(false);
  });
});
