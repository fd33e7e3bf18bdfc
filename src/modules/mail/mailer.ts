import type { MailSettings } from '../../config/config';
import type { Logger } from '../../logger';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Where mails go: an SMTP server (SMTP_URL), or the log when none is configured. */
export interface Mailer {
  /** Resolves once the server accepted the mail; rejects when it refused it or cannot be reached. */
  send(mail: Mail): Promise<void>;
  /** Whether mails really leave (false: they are only logged). */
  readonly delivering: boolean;
  close(): void;
}

/** Bounded waits: a job attempt must fail (and retry later) rather than hang on a dead server. */
const SMTP_TIMEOUT_MS = 10_000;

/**
 * nodemailer over SMTP_URL, loaded only when a mail is sent; without SMTP_URL, a mailer that
 * writes each mail's recipient and subject to the log and sends nothing (a laptop needs no mail
 * server, and nobody gets mail from a development database by accident).
 */
export function createMailer(settings: MailSettings, logger: Logger): Mailer {
  const { smtpUrl } = settings;
  if (!smtpUrl) {
    return {
      delivering: false,
      async send(mail) {
        logger.info({ to: mail.to, subject: mail.subject }, 'mail not sent (SMTP_URL is unset): logged instead');
      },
      close() {},
    };
  }
  let transport: import('nodemailer').Transporter | undefined;
  const transporter = () => {
    if (!transport) {
      const nodemailer = require('nodemailer') as typeof import('nodemailer');
      transport = nodemailer.createTransport(
        {
          url: smtpUrl,
          connectionTimeout: SMTP_TIMEOUT_MS,
          greetingTimeout: SMTP_TIMEOUT_MS,
          socketTimeout: SMTP_TIMEOUT_MS,
        },
        { from: settings.from },
      );
    }
    return transport;
  };
  return {
    delivering: true,
    async send(mail) {
      await transporter().sendMail(mail);
    },
    close() {
      transport?.close();
    },
  };
}
