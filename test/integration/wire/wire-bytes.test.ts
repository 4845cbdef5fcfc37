/**
 * The request bytes of the port against those of the real Python client, for the same PUT:
 * both send to one raw TCP server on 127.0.0.1 that keeps the bytes as they came off the socket.
 *
 * The Python side is Debian's python3-requests (the HTTP stack that requests 2.9.1 drives through
 * urllib3 1.13.1 is the same http.client `putrequest`/`putheader` sequence), and also the real
 * requests 2.9.1 with its vendored urllib3 1.13.1 when the seed-era sources are set up under
 * /tmp/seed-era (../shared/oracles/seed-era/setup.sh).
 *
 * What may differ is exactly what docs/architecture.md ("Wire bytes") lists as undici's: the
 * names `host`, `connection` and `content-length` in lower case, `connection` right after
 * `host`, `content-length` last; and `traceparent`, unless OTEL_PROPAGATORS=none.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src/requests/sessions.js';
import { startTelemetry } from '../../../src/telemetry/session.js';
import { HTTPConnectionPool } from '../../../src/urllib3/connectionpool.js';
import { headerPairs, startRawCapture, type RawCaptureServer } from '../../helpers/raw-capture.js';

const PYTHON = '/usr/bin/python3';
const SEED_ERA = '/tmp/seed-era/src/requests/requests/__init__.py';
const REQUIRE_TOOLS = process.env.NOVATRACE_REQUIRE_TOOLS === '1';

async function hasDebianRequests(): Promise<boolean> {
  if (!existsSync(PYTHON)) return false;
  try {
    await promisify(execFile)(PYTHON, ['-c', 'import requests'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
const debian = await hasDebianRequests();
if (!debian && !REQUIRE_TOOLS) {
  console.warn(
    '\n*** SKIPPED: test/integration/wire/wire-bytes.test.ts: no Debian python3 with requests ' +
      '(apt-get install python3-requests). CI sets NOVATRACE_REQUIRE_TOOLS=1 and fails instead. ***\n'
  );
}
const seedEra = existsSync(SEED_ERA);
if (!seedEra) {
  console.warn(
    '\n*** SKIPPED (one case): the real requests 2.9.1 / urllib3 1.13.1 are not set up under ' +
      '/tmp/seed-era (../shared/oracles/seed-era/setup.sh); Debian requests is compared instead. ***\n'
  );
}

/** The PUT of `happy`, with the headers novaclient 3.3.0 builds, in its order. */
const PUT_PATH = '/v2.1/servers/6b3a7f12/os-volume_attachments/a07f71dc';
const PUT_HEADERS: Record<string, string> = {
  'X-Auth-Token': 'gAAAAAB-token-value',
  'X-Auth-Project-Id': 'demo',
  'User-Agent': 'python-novaclient',
  Accept: 'application/json',
  'Content-Type': 'application/json',
  'X-OpenStack-Nova-API-Version': '2.1',
};
const PUT_BODY = '{"volumeAttachment": {"volumeId": "227cc671-f30b-4488-96fd-7d0bf13648d8"}}';

const PY_REQUESTS = `
import json, sys
import requests
spec = json.loads(sys.argv[2])
s = requests.Session()
s.request(spec['method'], sys.argv[1], headers=spec['headers'], data=spec['body'])
s.close()
`;
const PY_HTTPCLIENT = `
import sys
try:
    import http.client as httplib
except ImportError:
    import httplib
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = httplib.HTTPConnection(host, port)
c.request('GET', path)
c.getresponse().read()
c.close()
`;

async function python(args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  await promisify(execFile)(PYTHON, args, {
    timeout: 30_000,
    cwd: '/tmp',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONWARNINGS: 'ignore', ...env },
  });
}

/** Names undici writes itself, in lower case: compared without regard to case. */
const UNDICI_NAMES = new Set(['host', 'connection', 'content-length']);

/**
 * The header lines with undici's documented differences taken out: Connection is compared on
 * its own (undici puts it right after Host), and the names undici writes compare in one case.
 */
function comparable(head: string): { lines: string[]; connection: string[] } {
  const pairs = headerPairs(head);
  return {
    lines: pairs
      .filter(([name]) => name.toLowerCase() !== 'connection')
      .map(
        ([name, value]) =>
          `${UNDICI_NAMES.has(name.toLowerCase()) ? name.toLowerCase() : name}: ${value}`
      ),
    connection: pairs.filter(([name]) => name.toLowerCase() === 'connection').map(([, v]) => v),
  };
}

let server: RawCaptureServer;
beforeAll(async () => {
  server = await startRawCapture();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  delete process.env.OTEL_PROPAGATORS;
});

async function portPut(): Promise<void> {
  const session = new Session();
  try {
    const r = await session.request('PUT', `http://127.0.0.1:${server.port}${PUT_PATH}`, {
      headers: { ...PUT_HEADERS },
      data: PUT_BODY,
    });
    expect(r.status_code).toBe(202);
  } finally {
    await session.close();
  }
}

/** The port's PUT inside a telemetry session, as the CLI runs it. */
async function tracedPortPut(propagators?: string) {
  if (propagators !== undefined) process.env.OTEL_PROPAGATORS = propagators;
  const telemetry = startTelemetry({ env: {} });
  try {
    await portPut();
  } finally {
    await telemetry.shutdown();
  }
  return telemetry.records();
}

function last() {
  const r = server.requests.at(-1);
  if (!r) throw new Error('the capture server got no request');
  return r;
}

describe.skipIf(!debian && !REQUIRE_TOOLS)('wire bytes: the port against Python', () => {
  it('sends the PUT with the headers, case and order of Python requests', async () => {
    await python([
      '-c',
      PY_REQUESTS,
      `http://127.0.0.1:${server.port}${PUT_PATH}`,
      JSON.stringify({ method: 'PUT', headers: PUT_HEADERS, body: PUT_BODY }),
    ]);
    const py = last();
    await tracedPortPut('none');
    const port = last();

    expect(port.head.split('\r\n')[0]).toBe(`PUT ${PUT_PATH} HTTP/1.1`);
    expect(port.head.split('\r\n')[0]).toBe(py.head.split('\r\n')[0]);
    const p = comparable(port.head);
    const q = comparable(py.head);
    // Debian's requests may offer more encodings (br, zstd) than 2.9.1's "gzip, deflate".
    const qLines = q.lines.map((l) =>
      l.startsWith('Accept-Encoding: gzip, deflate') ? 'Accept-Encoding: gzip, deflate' : l
    );
    expect(p.lines).toEqual(qLines);
    expect(p.connection).toEqual(['keep-alive']);
    expect(q.connection).toEqual(['keep-alive']);
    expect(port.body.toString('latin1')).toBe(py.body.toString('latin1'));
    // undici's own lines, as docs/architecture.md says.
    const names = headerPairs(port.head).map(([n]) => n);
    expect(names.slice(0, 2)).toEqual(['host', 'connection']);
    expect(names.at(-1)).toBe('content-length');
    expect(
      headerPairs(py.head)
        .map(([n]) => n)
        .slice(0, 2)
    ).toEqual(['Host', 'User-Agent']);
    expect(port.head).not.toMatch(/traceparent/i);
  });

  it('adds traceparent, naming the wire span, when propagation is on', async () => {
    const records = await tracedPortPut();
    const port = last();
    const traceparent = headerPairs(port.head).filter(([n]) => n === 'traceparent');
    expect(traceparent).toHaveLength(1);
    const wire = records.find((r) => r.kind === 'client' && r.name === 'PUT');
    expect(wire).toBeDefined();
    expect(traceparent[0]![1]).toBe(`00-${wire!.traceId}-${wire!.spanId}-01`);
    // The one line more: right before content-length, after the caller's headers.
    const names = headerPairs(port.head).map(([n]) => n);
    expect(names.at(-2)).toBe('traceparent');
    await tracedPortPut('none');
    const off = last();
    expect(off.head.split('\r\n').filter((l) => !l.startsWith('traceparent:'))).toEqual(
      port.head.split('\r\n').filter((l) => !l.startsWith('traceparent:'))
    );
  });

  it('sends Accept-Encoding: identity after Host when urllib3 is used without headers, as http.client does', async () => {
    await python(['-c', PY_HTTPCLIENT, '127.0.0.1', String(server.port), '/v2.1/']);
    const py = last();
    process.env.OTEL_PROPAGATORS = 'none';
    const pool = new HTTPConnectionPool('127.0.0.1', server.port);
    try {
      const r = await pool.urlopen('GET', '/v2.1/');
      expect(r.status).toBe(202);
    } finally {
      await pool.close();
    }
    const port = last();
    expect(comparable(port.head).lines).toEqual(comparable(py.head).lines);
    expect(headerPairs(py.head)).toEqual([
      ['Host', `127.0.0.1:${server.port}`],
      ['Accept-Encoding', 'identity'],
    ]);
  });

  it.skipIf(!seedEra)('equals the real requests 2.9.1 / urllib3 1.13.1 PUT', async () => {
    await python(
      [
        '-c',
        PY_REQUESTS,
        `http://127.0.0.1:${server.port}${PUT_PATH}`,
        JSON.stringify({ method: 'PUT', headers: PUT_HEADERS, body: PUT_BODY }),
      ],
      {
        PYTHONPATH: '/tmp/seed-era/shim:/tmp/seed-era/src/requests',
      }
    );
    const py = last();
    await tracedPortPut('none');
    const port = last();
    expect(comparable(port.head).lines).toEqual(comparable(py.head).lines);
    expect(port.body.equals(py.body)).toBe(true);
  });
});
