import { createServer, connect, type Socket, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  url: string;
  /** Where new connections go from now on. */
  target: number;
  /** Stops forwarding in both directions without closing anything: a silent network death. */
  freeze(): void;
  close(): Promise<void>;
}

/** A loopback TCP forwarder: a load balancer in front of app nodes, or a network that can go silent. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  const proxy = {
    target: targetPort,
  } as TcpProxy;
  const server: Server = createServer((client) => {
    const upstream = connect(proxy.target, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) => from.on('data', (chunk) => {
      if (!frozen) to.write(chunk);
    });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      if (!frozen) {
        client.destroy();
        upstream.destroy();
      }
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(proxy, {
    port,
    url: `http://127.0.0.1:${port}`,
    freeze() {
      frozen = true;
    },
    close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
