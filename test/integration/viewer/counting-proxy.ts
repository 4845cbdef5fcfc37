/**
 * A TCP proxy that counts connections and bytes on their way to the mock cloud, so a test can
 * show that nothing at all reached it (not even a connect) while a run was paused.
 */
import type { RunningCloud } from '../../../src/cloud/index.js';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface CountingProxy {
  readonly url: string;
  connections: number;
  bytes: number;
  close(): Promise<void>;
}

/** A TCP proxy to `port` that counts connections and bytes sent to the target. */
export async function countingProxy(port: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const proxy: CountingProxy = { url: '', connections: 0, bytes: 0, close: async () => undefined };
  const server: Server = createServer((client) => {
    proxy.connections += 1;
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      proxy.bytes += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${own}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}

/** The cloud as seen through the proxy: every URL a client uses points at the proxy. */
export function cloudBehind(proxy: CountingProxy, cloud: RunningCloud): RunningCloud {
  return {
    ...cloud,
    url: proxy.url,
    authUrlV3: `${proxy.url}/identity/v3`,
    authUrlV2: `${proxy.url}/identity/v2.0`,
    computeUrl: `${proxy.url}/v2.1`,
    close: () => cloud.close(),
  };
}
