/** Numbers, money and times through `Intl`, formatters cached per locale. */

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${locale}|${key}`;
  let format = cache.get(id);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(id, format);
  }
  return format;
}

const exponents = new Map<string, number>();
/** ISO-4217 exponent of a currency (BRL 2, JPY 0, KWD 3), as `Intl` knows it; 2 for an unknown code. */
export function minorExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    try {
      exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      exponent = 2;
    }
    exponents.set(currency, exponent);
  }
  return exponent;
}

const major = (minor: number, currency: string) => minor / 10 ** minorExponent(currency);

function currencyFormat(locale: string, currency: string, compact: boolean): Intl.NumberFormat {
  try {
    return numberFormat(locale, `${currency}:${compact}`, compact
      ? { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }
      : { style: 'currency', currency });
  } catch {
    return numberFormat(locale, `?:${compact}`, compact ? { notation: 'compact', maximumFractionDigits: 1 } : { minimumFractionDigits: 2 });
  }
}

/** Minor units in the currency's own exponent: R$ 465,23, ¥1,200, US$ 12.50. */
export function money(minor: number, currency: string, locale: string): string {
  return currencyFormat(locale, currency, false).format(major(minor, currency));
}

/** The same amount short enough for a headline: "R$ 338,8 mil", "$1.2M". */
export function moneyShort(minor: number, currency: string, locale: string): string {
  return currencyFormat(locale, currency, true).format(major(minor, currency));
}

/** A count with the locale's grouping: 12,345 or 12.345. */
export function count(n: number, locale: string): string {
  return numberFormat(locale, 'int', { maximumFractionDigits: 0 }).format(n);
}

export function percent(share: number, locale: string): string {
  return numberFormat(locale, 'pct', { style: 'percent', maximumFractionDigits: share < 0.1 ? 1 : 0 }).format(share);
}

/** A signed change, "+12%" or "−3%". */
export function signedPercent(share: number, locale: string): string {
  return numberFormat(locale, 'spct', { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(share);
}

const times = new Map<string, Intl.DateTimeFormat>();
/** Wall-clock time, 14:03:12. */
export function clock(at: number, locale: string, seconds = true): string {
  const id = `${locale}|${seconds}`;
  let format = times.get(id);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23' });
    times.set(id, format);
  }
  return format.format(at);
}

/** Seconds, minutes, hours or days, in the locale's short units: "12 s", "4 min", "3 h", "2 d". */
export function span(ms: number, locale: string): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [value, unit] = s < 60 ? [s, 'second'] : s < 3_600 ? [Math.round(s / 60), 'minute'] : s < 172_800 ? [Math.round(s / 3_600), 'hour'] : [Math.round(s / 86_400), 'day'];
  return numberFormat(locale, `unit:${unit}`, { style: 'unit', unit, unitDisplay: 'narrow' }).format(value);
}

/** `a***@example.com`: enough to tell customers apart on a wall, not enough to read. Already masked text is kept. */
export function maskEmail(email: string | null): string {
  if (!email) return '—';
  if (email.includes('*')) return email;
  const at = email.indexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

export function maskIp(ip: string | null): string {
  if (!ip) return '—';
  if (ip.includes('•') || ip.includes('*')) return ip;
  return ip.includes(':') ? `${ip.split(':').slice(0, 2).join(':')}:…` : ip.replace(/\.\d+\.\d+$/, '.•.•');
}

/** True when the server already masked the text (kiosk boards get masked data from the hardening work). */
export const looksMasked = (text: string | null) => !!text && /[*•]/.test(text);
