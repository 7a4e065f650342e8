import { UAParser } from 'ua-parser-js';
import type { FieldCode } from '../../store/session-codec.js';

/** Device and address of a checkout page, from its handshake; written where the session has none. */
export function pageContext(userAgent: string | undefined, ip: string | undefined): Partial<Record<FieldCode, string>> {
  const context: Partial<Record<FieldCode, string>> = {};
  if (userAgent) {
    const parsed = new UAParser(userAgent.slice(0, 512)).getResult();
    const kind = parsed.device.type;
    context.dt = kind === 'mobile' || kind === 'tablet' ? kind : 'desktop';
    if (parsed.os.name) context.os = parsed.os.name;
    if (parsed.browser.name) context.br = parsed.browser.name;
  }
  if (ip) context.ip = ip.replace(/^::ffff:/, '');
  return context;
}
