import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A mail that left, by its idempotency key (`welcome:<user id>`, `comments:<job id>`): a job that
 * runs again (a retry after the SMTP server accepted the mail but the worker died before finishing,
 * or a lease that ran out) finds the record and sends nothing twice.
 */
@Entity({ tableName: 'mail_deliveries' })
export class MailDelivery {
  [OptionalProps]?: 'sentAt';

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  recipient!: string;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()', index: 'mail_deliveries_sent_at_index' })
  sentAt: Date = new Date();
}
