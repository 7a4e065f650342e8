const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Minor units in the session's own currency, e.g. R$ 465,23. */
export function money(cents: number, currency: string, locale: string): string {
  const key = `${locale}:${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      format = new Intl.NumberFormat(locale, { minimumFractionDigits: 2 });
    }
    moneyFormats.set(key, format);
  }
  return format.format(cents / 100);
}

/** "12 s", "4 min", "3 h", "2 d". */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** `a***@example.com`: enough to tell customers apart on a wall, not enough to read. */
export function maskEmail(email: string | null): string {
  if (!email) return '—';
  const at = email.indexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

export function maskIp(ip: string | null): string {
  if (!ip) return '—';
  return ip.includes(':') ? `${ip.split(':').slice(0, 2).join(':')}:…` : ip.replace(/\.\d+\.\d+$/, '.•.•');
}

export const METHOD_LABEL: Record<string, string> = {
  pix: 'Pix', credit_card: 'Card', debit_card: 'Debit', boleto: 'Boleto', wallet: 'Wallet',
};
