import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** Resolves with the next message (or one already waiting). */
  next(): Promise<ReceivedMail>;
  /**
   * Holds the answer to every message from now on (the sender waits, as on a slow server) until the
   * returned function is called; resolves `arrived` when the first held message is in.
   */
  hold(): { arrived: Promise<void>; release: () => void };
  /** Refuses the next message with a permanent error, as a server that rejects it. */
  refuseNext(): void;
  stop(): Promise<void>;
}

/** A real SMTP server on loopback that keeps what it receives. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const waiters: Array<(mail: ReceivedMail) => void> = [];
  let read = 0;
  let held: { arrive: () => void; gate: Promise<void> } | undefined;
  let refuse = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refuse) {
          refuse = false;
          callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
          return;
        }
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        received.push(mail);
        waiters.shift()?.(mail);
        if (!held) return callback();
        held.arrive();
        void held.gate.then(() => callback());
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    next() {
      const waiting = received[read];
      if (waiting) {
        read++;
        return Promise.resolve(waiting);
      }
      return new Promise((resolve) => waiters.push((mail) => {
        read++;
        resolve(mail);
      }));
    },
    hold() {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      held = { arrive, gate };
      return {
        arrived,
        release: () => {
          held = undefined;
          release();
        },
      };
    },
    refuseNext() {
      refuse = true;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
