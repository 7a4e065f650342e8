import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { maskEmail } from '../log.js';
import type { RedisClient } from '../redis/connect.js';
import { keys, tenantPrefix, type Tenant } from '../store/keys.js';

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

const OUTBOX_CAP = 200;

/** SMTP through nodemailer when `SMTP_URL` is set; otherwise a per-tenant outbox in Redis the board can show. */
export function createMailer(config: Config, logger: Logger, redis: RedisClient): Mailer {
  const from = config.env.MAIL_FROM;
  const smtp: Transporter | undefined = config.env.SMTP_URL ? createTransport(config.env.SMTP_URL) : undefined;
  return {
    async send(tenant, message) {
      if (smtp) {
        await smtp.sendMail({ from, ...message });
        logger.info({ to: maskEmail(message.to), subject: message.subject }, 'mail sent');
        return;
      }
      const entry: OutboxEntry = { ...message, from, at: new Date().toISOString() };
      const key = keys.outbox(tenantPrefix(tenant));
      await redis.multi().lpush(key, JSON.stringify(entry)).ltrim(key, 0, OUTBOX_CAP - 1).exec();
      logger.info({ to: maskEmail(message.to), subject: message.subject }, 'mail kept in the outbox');
    },
    async outbox(tenant, limit = 50) {
      const raw = await redis.lrange(keys.outbox(tenantPrefix(tenant)), 0, limit - 1);
      return raw.map((entry) => JSON.parse(entry) as OutboxEntry);
    },
    close() {
      smtp?.close();
    },
  };
}
