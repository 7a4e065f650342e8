import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  rawBody: string;
  headers: IncomingHttpHeaders;
  /** The event id the body carries. */
  eventId: string;
  sessionId: string;
  type: string;
}

/** What the receiver does with a request: answer with a status, or never answer. */
export type Reply = number | 'hang';

/** A real HTTP server on localhost standing in for a merchant's webhook receiver. */
export async function startWebhookReceiver(reply: (delivery: ReceivedDelivery, index: number) => Reply | Promise<Reply> = () => 200) {
  const received: ReceivedDelivery[] = [];
  const hanging = new Set<ServerResponse>();
  let respond = reply;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const parsed = JSON.parse(rawBody) as { id: string; sessionId: string; type: string };
      const delivery = { rawBody, headers: req.headers, eventId: parsed.id, sessionId: parsed.sessionId, type: parsed.type };
      const index = received.push(delivery) - 1;
      void Promise.resolve(respond(delivery, index)).then((answer) => {
        if (answer === 'hang') {
          hanging.add(res);
          return;
        }
        res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    /** Changes how later requests are answered. */
    answer(next: typeof reply) {
      respond = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
