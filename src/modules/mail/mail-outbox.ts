import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { MailDelivery } from './mail-delivery.entity';
import type { Mail, Mailer } from './mailer';

/**
 * Sends each mail once per idempotency key: a job that runs again finds the delivery record and
 * sends nothing. The record is written after the SMTP server accepted the mail (a mail server is
 * not part of our transaction), so only a crash between the two can repeat a mail: at least once,
 * and in practice once.
 */
export class MailOutbox {
  constructor(private readonly mailer: Mailer) {}

  /** True when the mail was sent now, false when this key had been sent before. */
  async sendOnce(em: EntityManager, key: string, mail: Mail): Promise<boolean> {
    if ((await em.count(MailDelivery, { key })) > 0) return false;
    await this.mailer.send(mail);
    try {
      await em.insert(MailDelivery, { key, recipient: mail.to, subject: mail.subject });
    } catch (error) {
      // Another attempt recorded the same key meanwhile: the mail left, which is what counts.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
    return true;
  }
}

/** Delivery records older than `retentionDays`: by then no job can run again to need them. */
export function mailDeliveriesCleanup(retentionDays: number) {
  return {
    name: 'mail delivery records',
    run: (em: EntityManager, now: Date) =>
      em.nativeDelete(MailDelivery, { sentAt: { $lt: new Date(now.getTime() - retentionDays * 86_400_000) } }),
  };
}
