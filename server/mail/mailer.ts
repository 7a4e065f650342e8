import { createTransport, type Transporter } from 'nodemailer';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { maskEmail } from '../log.js';
import type { Tenant } from '../store/keys.js';
import type { OutboxStore } from '../store/outbox-store.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** A message kept in the outbox (no SMTP server configured). */
export interface OutboxEntry extends MailMessage {
  at: string;
  from: string;
}

export interface Mailer {
  /** Sends (or, without SMTP, keeps in the tenant's outbox); rejects when the mail server refuses. */
  send(tenant: Tenant, message: MailMessage): Promise<void>;
  /** The tenant's outbox, newest first (empty when mail goes out over SMTP). */
  outbox(tenant: Tenant, limit?: number): Promise<OutboxEntry[]>;
  close(): void;
}

/** SMTP through nodemailer when `SMTP_URL` is set; otherwise a per-tenant outbox the board can show. */
export function createMailer(config: Config, logger: Logger, outbox: OutboxStore<OutboxEntry>, clock: Clock): Mailer {
  const from = config.env.MAIL_FROM;
  const smtp: Transporter | undefined = config.env.SMTP_URL ? createTransport(config.env.SMTP_URL) : undefined;
  return {
    async send(tenant, message) {
      if (smtp) {
        await smtp.sendMail({ from, ...message });
        logger.info({ to: maskEmail(message.to), subject: message.subject }, 'mail sent');
        return;
      }
      await outbox.append(tenant, { ...message, from, at: new Date(clock.now()).toISOString() });
      logger.info({ to: maskEmail(message.to), subject: message.subject }, 'mail kept in the outbox');
    },
    outbox(tenant, limit = 50) {
      return outbox.read(tenant, limit);
    },
    close() {
      smtp?.close();
    },
  };
}
