import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as it arrived: the envelope's recipients and the parsed message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server on loopback (the smtp-server package, in this process) that keeps what
 * arrives. `refuse(n)` makes it answer the next n messages with a 451 (a temporary failure, as a
 * busy or greylisting server does), `refuse(Infinity)` every one.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private refusals = 0;
  private readonly server: SMTPServer;

  private constructor(
    readonly url: string,
    server: SMTPServer,
  ) {
    this.server = server;
  }

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const refuse = sink !== undefined && sink.refusals > 0;
        if (refuse && sink) sink.refusals -= 1;
        simpleParser(stream)
          .then((parsed) => {
            if (refuse) {
              const error = new Error('try again later') as Error & { responseCode: number };
              error.responseCode = 451;
              return callback(error);
            }
            sink?.mails.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    sink = new SmtpSink(`smtp://127.0.0.1:${port}`, server);
    return sink;
  }

  refuse(times: number): void {
    this.refusals = times;
  }

  /** The mails sent to this address. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
