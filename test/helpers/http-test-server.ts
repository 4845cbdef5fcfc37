/**
 * A tiny HTTP/1.1 server on 127.0.0.1 (port 0) for the requests/urllib3 socket tests, in the
 * spirit of urllib3's `dummyserver`: routes answer with canned responses, every request is
 * recorded with the client's remote port (to see connection reuse), and the server can close
 * its idle keep-alive sockets on demand (to see a dropped pooled connection).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Header names and values as sent, in order. */
  readonly rawHeaders: readonly string[];
  /** The client's port: the same port on two requests means the same TCP connection. */
  readonly remotePort: number;
  readonly body: Buffer;
  /** True when the body came with Transfer-Encoding: chunked. */
  readonly chunked: boolean;
}

export type Handler = (
  req: RecordedRequest,
  res: ServerResponse,
  raw: IncomingMessage
) => void | Promise<void>;

export interface TestServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  connectionsAccepted(): number;
  /** Answers `method path` (path without query) with `handler`. */
  route(method: string, path: string, handler: Handler): void;
  /** Closes every idle keep-alive socket and waits until they are closed (call it between requests). */
  closeIdle(): Promise<void>;
  close(): Promise<void>;
}

/** Sends a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer(async (raw, res) => {
    const parts: Buffer[] = [];
    for await (const chunk of raw) parts.push(chunk as Buffer);
    const recorded: RecordedRequest = {
      method: raw.method ?? '',
      url: raw.url ?? '',
      headers: raw.headers,
      rawHeaders: raw.rawHeaders,
      remotePort: raw.socket.remotePort ?? 0,
      body: Buffer.concat(parts),
      chunked: (raw.headers['transfer-encoding'] ?? '').includes('chunked'),
    };
    requests.push(recorded);
    const path = recorded.url.split('?')[0] ?? '';
    const handler = routes.get(`${recorded.method} ${path}`) ?? routes.get(`* ${path}`);
    try {
      if (handler) await handler(recorded, res, raw);
      else sendJson(res, 404, { error: 'no route', path });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: String(err) });
      else res.destroy();
    }
  });
  // Keep Node's default keep-alive (5 s): under 2 s undici would drop sockets after each response.
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    requests,
    connectionsAccepted: () => accepted,
    route(method, path, handler) {
      routes.set(`${method} ${path}`, handler);
    },
    async closeIdle() {
      const before = [...sockets];
      server.closeIdleConnections();
      await Promise.all(
        before.map((s) =>
          s.destroyed
            ? Promise.resolve()
            : new Promise<void>((resolve) => s.once('close', () => resolve()))
        )
      );
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
