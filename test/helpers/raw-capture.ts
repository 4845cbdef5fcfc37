/**
 * A raw TCP server on 127.0.0.1 that keeps the exact bytes of every HTTP/1.1 request it gets
 * (head and body, as they came off the socket) and answers each with a fixed response. For
 * comparing what two clients put on the wire. Bodies must be framed by Content-Length or
 * chunked; anything else is kept as received when the socket ends.
 */
import net from 'node:net';

export interface CapturedRequest {
  /** The head as received: request line and header lines, without the blank line. */
  readonly head: string;
  /** The body bytes as received (chunked framing kept). */
  readonly body: Buffer;
  /** The client's port, to tell connections apart. */
  readonly remotePort: number;
}

export interface RawCaptureServer {
  readonly port: number;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

/** The default answer: a small JSON body, the connection kept open. */
export const DEFAULT_RESPONSE =
  'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';

/** Where a complete request ends in `buf`, or -1 while more bytes are needed. */
function requestEnd(buf: Buffer): { headEnd: number; end: number } | null {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = headEnd + 4 + Number(length[1]);
    return buf.length >= end ? { headEnd, end } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const last = buf.indexOf('\r\n0\r\n\r\n', headEnd);
    const first = buf.indexOf('0\r\n\r\n', headEnd + 4);
    if (first === headEnd + 4) return { headEnd, end: first + 5 };
    return last >= 0 ? { headEnd, end: last + 7 } : null;
  }
  return { headEnd, end: headEnd + 4 };
}

export async function startRawCapture(response = DEFAULT_RESPONSE): Promise<RawCaptureServer> {
  const requests: CapturedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buf = Buffer.concat([buf, data]);
      // Bounded: one loop turn per complete request in the buffer.
      for (let found = requestEnd(buf); found; found = requestEnd(buf)) {
        requests.push({
          head: buf.subarray(0, found.headEnd).toString('latin1'),
          body: Buffer.from(buf.subarray(found.headEnd + 4, found.end)),
          remotePort: socket.remotePort ?? 0,
        });
        buf = buf.subarray(found.end);
        socket.write(response);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The head's header lines as `[name, value]` pairs, in order (request line left out). */
export function headerPairs(head: string): [string, string][] {
  return head
    .split('\r\n')
    .slice(1)
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()] as [string, string];
    });
}
