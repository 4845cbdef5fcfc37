// The cloud over real loopback sockets: keep-alive, the connection faults, delays, the wire format.
import { SpanKind } from '@opentelemetry/api';
import { Readable } from 'node:stream';
import { Client, errors } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, type RunningCloud } from '../../../src/cloud/index.js';
import { memoryCloudSpans, startTestCloud, v3PasswordBody } from '../../helpers/start-cloud.js';

const { servers: S, volumes: V } = FIXTURES;
const PUT_PATH = `/v2.1/servers/${S.vm1.id}/os-volume_attachments/${V.attached.id}`;

/** One undici Client (one socket at a time) that counts its TCP connections and drops. */
class CountingClient {
  readonly client: Client;
  connects = 0;
  disconnects: string[] = [];

  constructor(url: string, opts: ConstructorParameters<typeof Client>[1] = {}) {
    this.client = new Client(url, { keepAliveTimeout: 30_000, pipelining: 1, ...opts });
    this.client.on('connect', () => (this.connects += 1));
    this.client.on('disconnect', (_origin, _targets, err) =>
      this.disconnects.push((err as { code?: string }).code ?? err.message)
    );
  }

  async request(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
    const res = await this.client.request({
      method: method as 'GET',
      path,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }

  close(): Promise<void> {
    return this.client.destroy();
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
}

let cloud: RunningCloud | undefined;
let clients: CountingClient[] = [];

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
  await cloud?.close();
  cloud = undefined;
});

async function setup(
  opts: Parameters<typeof startTestCloud>[0] = {}
): Promise<{ cloud: RunningCloud; client: CountingClient; token: string }> {
  cloud = await startTestCloud(opts);
  const client = new CountingClient(cloud.url);
  clients.push(client);
  const res = await client.request(
    'POST',
    '/identity/v3/auth/tokens',
    { 'content-type': 'application/json' },
    JSON.stringify(v3PasswordBody())
  );
  expect(res.status).toBe(201);
  return { cloud, client, token: String(res.headers['x-subject-token']) };
}

describe('keep-alive', () => {
  it('serves the whole modern CLI flow over one connection, advertising a long Keep-Alive', async () => {
    const { client, token } = await setup();
    const auth = {
      'x-auth-token': token,
      'openstack-api-version': 'compute 2.92',
      'x-openstack-nova-api-version': '2.92',
    };
    const version = await client.request('GET', '/v2.1', { 'x-auth-token': token });
    expect(version.status).toBe(200);
    expect(version.headers['keep-alive']).toBe('timeout=60');
    expect((await client.request('GET', `/v2.1/servers/${S.vm1.id}`, auth)).status).toBe(200);
    const put = await client.request(
      'PUT',
      PUT_PATH,
      { ...auth, 'content-type': 'application/json' },
      JSON.stringify({ volumeAttachment: { volumeId: V.spare.id } })
    );
    expect(put.status).toBe(202);
    expect(put.headers['content-length']).toBe('0');
    expect(put.headers['content-type']).toBe('application/json');
    expect(put.headers['x-compute-request-id']).toBe(put.headers['x-openstack-request-id']);
    expect(put.text).toBe('');
    expect(client.connects).toBe(1);
    expect(client.disconnects).toEqual([]);
    expect(cloud!.state.getAttachment(S.vm1.id, V.spare.id)).toBeDefined();
  });
});

describe('close-after-response fault', () => {
  it('drops the kept-alive connection with a FIN after the answer, unannounced; the next request reconnects', async () => {
    const { cloud, client } = await setup();
    cloud.faults.set({ fault: 'close-after-response', count: 1 });
    const res = await client.request('GET', '/v2.1');
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('keep-alive'); // the client was not told
    await until(() => client.disconnects.length === 1, 'the server closed the connection');
    expect(client.disconnects[0]).toBe('UND_ERR_SOCKET');
    expect((await client.request('GET', '/v2.1')).status).toBe(200);
    expect(client.connects).toBe(2);
  });

  it('announces the close with Connection: close when asked to', async () => {
    const { cloud, client } = await setup();
    cloud.faults.set({ fault: 'close-after-response', announce: true, count: 1 });
    const res = await client.request('GET', '/v2.1');
    expect(res.headers.connection).toBe('close');
    await until(() => client.disconnects.length === 1, 'the connection closed');
    expect((await client.request('GET', '/v2.1')).status).toBe(200);
    expect(client.connects).toBe(2);
  });
});

describe('close-idle fault', () => {
  it('keeps a busy connection, and drops it once idle, without the client being told', async () => {
    const { cloud, client } = await setup();
    cloud.faults.set({ fault: 'close-idle', afterMs: 500 });
    expect((await client.request('GET', '/v2.1')).status).toBe(200);
    expect((await client.request('GET', '/v2.1')).status).toBe(200); // sent at once: reused
    expect(client.connects).toBe(1);
    await until(() => client.disconnects.length === 1, 'the idle connection was dropped');
    expect(client.disconnects[0]).toBe('UND_ERR_SOCKET');
    expect((await client.request('GET', '/v2.1')).status).toBe(200);
    expect(client.connects).toBe(2);
  });
});

describe('drop-request fault', () => {
  it('destroys the connection instead of answering; the cloud keeps serving', async () => {
    const { cloud, client } = await setup();
    cloud.faults.set({ fault: 'drop-request', path: '/v2.1', count: 1 });
    await expect(client.request('GET', '/v2.1')).rejects.toBeInstanceOf(errors.SocketError);
    expect((await client.request('GET', '/v2.1')).status).toBe(200);
  });
});

describe('delay fault', () => {
  it('holds the answer back: a client with a short header timeout gives up, a patient one gets it', async () => {
    const { cloud } = await setup();
    cloud.faults.set({ fault: 'delay', ms: 1500, path: '/v2.1', count: 1 });
    const impatient = new CountingClient(cloud.url, { headersTimeout: 100 });
    clients.push(impatient);
    await expect(impatient.request('GET', '/v2.1')).rejects.toBeInstanceOf(
      errors.HeadersTimeoutError
    );
    cloud.faults.set({ fault: 'delay', ms: 200, path: '/v2.1', count: 1 });
    const patient = new CountingClient(cloud.url, { headersTimeout: 10_000 });
    clients.push(patient);
    expect((await patient.request('GET', '/v2.1')).status).toBe(200);
    expect(cloud.faults.list()).toEqual([]);
  });

  it('does not keep close() waiting for a delayed answer', async () => {
    const { cloud } = await setup();
    cloud.faults.set({ fault: 'delay', ms: 60_000 });
    const client = new CountingClient(cloud.url);
    clients.push(client);
    const pending = client.request('GET', '/v2.1').catch((err: Error) => err);
    await until(() => client.connects === 1, 'the request reached the cloud');
    await new Promise((r) => setTimeout(r, 50));
    await cloud.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('redirect fault on the wire', () => {
  it('answers with an absolute Location on the address the client used', async () => {
    const { cloud, client } = await setup();
    cloud.faults.set({ fault: 'redirect', status: 302, from: '/v2.1', to: '/v2.1/', count: 1 });
    const res = await client.request('GET', '/v2.1');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${cloud.url}/v2.1/`);
    expect((await client.request('GET', '/v2.1/')).status).toBe(200);
    expect(client.connects).toBe(1);
  });
});

describe('body size limit on the wire', () => {
  it('refuses a chunked body over the limit with 413 and keeps serving', async () => {
    const { cloud, client, token } = await setup({ bodyLimit: 2048 });
    async function* chunks() {
      for (let i = 0; i < 8; i++) yield Buffer.alloc(1024, 0x78);
    }
    const res = await client.client.request({
      method: 'PUT',
      path: PUT_PATH,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: Readable.from(chunks()),
    });
    expect(res.statusCode).toBe(413);
    expect(await res.body.json()).toEqual({
      overLimit: { code: 413, message: 'Request is too large.' },
    });
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeDefined();
    const fresh = new CountingClient(cloud.url);
    clients.push(fresh);
    expect((await fresh.request('GET', '/v2.1')).status).toBe(200);
  });
});

describe('cloud spans on the wire', () => {
  it('records the peer and server address of the real socket and continues traceparent', async () => {
    const mem = memoryCloudSpans();
    const { client } = await setup({ spanProcessors: mem.processors });
    mem.reset();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await client.request('GET', '/v2.1', { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    const [span] = (await mem.spans()).filter((s) => s.kind === SpanKind.SERVER);
    expect(span!.name).toBe('GET /v2.1');
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.attributes).toMatchObject({
      'client.address': '127.0.0.1',
      'server.address': '127.0.0.1',
      'server.port': cloud!.port,
      'network.protocol.version': '1.1',
    });
  });
});
