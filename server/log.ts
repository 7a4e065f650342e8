import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that must never reach a log line. */
const REDACT = [
  'req.headers.selectkey', 'req.headers.cookie', 'req.headers.authorization',
  '*.clientSecret', '*.secret', '*.key', '*.token', '*.email',
];

export function createLogger(level: string, name = 'checkout-pulse'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } });
}

/** `m***@example.com`: enough to correlate, never the full address. */
export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
