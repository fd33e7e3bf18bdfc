import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import type { MailSettings } from '../../src/config/config';
import { MailDelivery } from '../../src/modules/mail/mail-delivery.entity';
import { MailOutbox, mailDeliveriesCleanup } from '../../src/modules/mail/mail-outbox';
import { createMailer, type Mail, type Mailer } from '../../src/modules/mail/mailer';
import { capturingLogger, LEVEL } from '../support/log-capture';
import { em } from '../support/test-env';

/** The SMTP server's side: what it accepted (the mail server is outside our database). */
function recordingMailer(beforeAccepting: () => Promise<void> = async () => {}) {
  const sent: Mail[] = [];
  const mailer: Mailer = {
    delivering: true,
    async send(mail) {
      await beforeAccepting();
      sent.push(mail);
    },
    close() {},
  };
  return { mailer, sent };
}

const mail = (subject: string): Mail => ({ to: 'ann@example.com', subject, text: 't', html: '<p>t</p>' });
const uniqueKey = () => `spec:${randomBytes(6).toString('hex')}`;

describe('MailOutbox.sendOnce', () => {
  it('sends a key once: true and a delivery record the first time, false and nothing sent after', async () => {
    const { mailer, sent } = recordingMailer();
    const outbox = new MailOutbox(mailer);
    const key = uniqueKey();
    expect(await outbox.sendOnce(em(), key, mail('first'))).to.equal(true);
    expect(await outbox.sendOnce(em(), key, mail('again'))).to.equal(false);
    expect(sent.map((m) => m.subject)).to.deep.equal(['first']);
    const record = await em().findOneOrFail(MailDelivery, { key });
    expect(record).to.include({ recipient: 'ann@example.com', subject: 'first' });
  });

  it('counts a mail as sent when another attempt recorded its key while it was being sent', async () => {
    const key = uniqueKey();
    const { mailer, sent } = recordingMailer(async () => {
      await em().insert(MailDelivery, { key, recipient: 'ann@example.com', subject: 'the other attempt' });
    });
    expect(await new MailOutbox(mailer).sendOnce(em(), key, mail('this attempt'))).to.equal(true);
    expect(sent).to.have.length(1);
  });

  it('passes on any other failure to record the delivery (the job fails and is retried)', async () => {
    const { mailer } = recordingMailer();
    const failing = Object.create(em()) as EntityManager;
    failing.insert = async () => {
      throw new Error('connection terminated');
    };
    const outcome = await new MailOutbox(mailer)
      .sendOnce(failing, uniqueKey(), mail('x'))
      .catch((error: Error) => error);
    expect(outcome).to.be.instanceOf(Error).with.property('message', 'connection terminated');
  });
});

describe('mailDeliveriesCleanup', () => {
  it('deletes the delivery records older than the retention, and keeps the rest', async () => {
    const [old, recent] = [uniqueKey(), uniqueKey()];
    const day = 86_400_000;
    const now = new Date();
    await em().insert(MailDelivery, {
      key: old,
      recipient: 'a@x.org',
      subject: 's',
      sentAt: new Date(now.getTime() - 8 * day),
    });
    await em().insert(MailDelivery, {
      key: recent,
      recipient: 'a@x.org',
      subject: 's',
      sentAt: new Date(now.getTime() - 6 * day),
    });
    const cleanup = mailDeliveriesCleanup(7);
    expect(cleanup.name).to.equal('mail delivery records');
    expect(await cleanup.run(em(), now)).to.be.at.least(1);
    const left = await em().find(MailDelivery, { key: { $in: [old, recent] } });
    expect(left.map((record) => record.key)).to.deep.equal([recent]);
  });
});

describe('createMailer without SMTP_URL', () => {
  it('delivers nothing and logs each mail: recipient and subject, never the body', async () => {
    const { logger, lines } = capturingLogger();
    const settings: MailSettings = { smtpUrl: undefined, from: 'Conduit <noreply@example.com>', commentWindowMs: 1000 };
    const mailer = createMailer(settings, logger);
    expect(mailer.delivering).to.equal(false);
    await mailer.send(mail('Welcome'));
    mailer.close();
    expect(lines).to.deep.equal([
      {
        level: LEVEL.info,
        time: lines[0].time,
        to: 'ann@example.com',
        subject: 'Welcome',
        msg: 'mail not sent (SMTP_URL is unset): logged instead',
      },
    ]);
  });
});
