import { describe, expect, it } from 'vitest';
import { errorBody, issuesToParams } from './errors.js';
import { createSessionBody } from './session.js';

const reasons = (value: unknown) => Object.assign({}, ...issuesToParams(createSessionBody.safeParse(value).error?.issues ?? [])) as Record<string, string>;
const VALID = { totalAmount: 100, currency: 'BRL', domainHost: 'Shop.Example.COM', product: { id: 'p', name: 'P', quantity: 1 } };

describe('400 reasons in plain words', () => {
  it.each([
    ['a missing field', { ...VALID, totalAmount: undefined }, 'totalAmount', 'is required'],
    ['a wrong type', { ...VALID, totalAmount: 'ten' }, 'totalAmount', 'must be a number'],
    ['a fractional amount', { ...VALID, totalAmount: 1.5 }, 'totalAmount', 'must be a whole number'],
    ['an unknown enum value', { ...VALID, source: 'fax' }, 'source', 'must be one of api, payment_link, checkout_link, integration'],
    ['an unknown currency', { ...VALID, currency: 'XYZ' }, 'currency', 'is not an ISO-4217 currency code'],
    ['a malformed currency', { ...VALID, currency: 'brl' }, 'currency', 'must be an ISO-4217 code such as BRL'],
    ['an unknown field', { ...VALID, colour: 'red' }, 'colour', 'is not a known field'],
  ])('%s', (_what, body, name, reason) => {
    expect(reasons(body)[name]).toBe(reason);
  });

  it('keeps the source API\'s envelope message', () => {
    expect(errorBody('invalidParameters', { params: [{ totalAmount: 'is required' }] }).error.message).toBe('Validation errors occurred');
  });

  it('stores the host lowercased and the language in its canonical case', () => {
    const parsed = createSessionBody.parse({ ...VALID, language: 'PT-br' });
    expect(parsed.domainHost).toBe('shop.example.com');
    expect(parsed.language).toBe('pt-BR');
  });
});
