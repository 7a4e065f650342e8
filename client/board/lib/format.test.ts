import { describe, expect, it } from 'vitest';
import { count, minorExponent, money, moneyShort, span } from './format';
import { DICTS, declineText, plural } from './i18n';

describe('money in each currency\'s minor units', () => {
  it.each([
    ['BRL', 46_523, 'pt-BR', 'R$\u00a0465,23'],
    ['JPY', 1_200, 'en', '¥1,200'],
    ['USD', 1_250, 'en', '$12.50'],
    ['KWD', 1_500, 'en', 'KWD\u00a01.500'],
  ])('%s %i in %s reads %s', (currency, minor, locale, text) => {
    expect(money(minor, currency, locale)).toBe(text);
  });

  it('knows the ISO-4217 exponents, and abbreviates for headlines in the locale\'s words', () => {
    expect([minorExponent('BRL'), minorExponent('JPY'), minorExponent('KWD')]).toEqual([2, 0, 3]);
    expect(moneyShort(33_880_000, 'BRL', 'pt-BR')).toBe('R$\u00a0338,8\u00a0mil');
    expect(count(12_345, 'pt-BR')).toBe('12.345');
    expect(span(125_000, 'pt-BR')).toBe('2 min');
  });
});

describe('the message catalogue', () => {
  it('has every English message in Portuguese, and plurals by the locale\'s rules', () => {
    const keys = (o: object, at = ''): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? keys(v as object, `${at}${k}.`) : [`${at}${k}`]));
    expect(keys(DICTS['pt-BR']).sort()).toEqual(keys(DICTS.en).sort());
    expect(plural('pt-BR', 1, { one: '# cliente', other: '# clientes' })).toBe('1 cliente');
    expect(plural('pt-BR', 1_500, { one: '# cliente', other: '# clientes' })).toBe('1.500 clientes');
    expect(DICTS['pt-BR'].feed.arrivals('pt-BR', 2)).toBe('2 clientes chegaram');
  });

  it('says decline codes as plain sentences, and names an unknown code rather than hiding it', () => {
    expect(declineText(DICTS['pt-BR'], 'insufficient_funds')).toBe('Saldo insuficiente');
    expect(declineText(DICTS.en, 'pix_expired')).toBe('The Pix code expired unpaid');
    expect(declineText(DICTS.en, 'weird_code')).toBe('Payment failed (weird code)');
  });
});
