// The cloud app's middlewares through app.request(): faults, control routes, bad input, spans.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createCloudApp } from '../../../src/cloud/app.js';
import { FIXTURES } from '../../../src/cloud/fixtures.js';
import { CloudState } from '../../../src/cloud/store.js';
import { appWithToken, memoryCloudSpans, v3PasswordBody } from '../../helpers/start-cloud.js';

const { servers: S, volumes: V } = FIXTURES;
const PUT_PATH = `/v2.1/servers/${S.vm1.id}/os-volume_attachments/${V.attached.id}`;
const SWAP = { volumeAttachment: { volumeId: V.spare.id } };

async function faultBody(res: Response): Promise<[string, Record<string, unknown>]> {
  return Object.entries((await res.json()) as Record<string, Record<string, unknown>>)[0]!;
}

describe('token-expired fault', () => {
  it('rejects the next authenticated call with 401 and revokes the token it carried', async () => {
    const cloud = await appWithToken();
    cloud.faults.set({ fault: 'token-expired', count: 1 });
    const first = await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`);
    expect(first.status).toBe(401);
    expect(first.headers.get('www-authenticate')).toMatch(/^Keystone uri=/);
    expect(cloud.state.tokens.validate(cloud.token)).toBeUndefined();
    expect(cloud.faults.list()).toEqual([]);
    const again = await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`);
    expect(again.status).toBe(401); // the old token stays expired
  });

  it('lets a fresh token through once the count is used up', async () => {
    const cloud = await appWithToken();
    cloud.faults.set({ fault: 'token-expired', count: 1 });
    await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`);
    const fresh = await appWithTokenOn(cloud.app);
    const res = await cloud.app.request(`/v2.1/servers/${S.vm1.id}`, {
      headers: { 'X-Auth-Token': fresh },
    });
    expect(res.status).toBe(200);
  });

  it("with count 'all' rejects every authenticated call, but not the unauthenticated version document", async () => {
    const cloud = await appWithToken();
    cloud.faults.set({ fault: 'token-expired', count: 'all' });
    for (let i = 0; i < 3; i++) {
      const token = await appWithTokenOn(cloud.app);
      const res = await cloud.app.request(`/v2.1/servers/${S.vm1.id}`, {
        headers: { 'X-Auth-Token': token },
      });
      expect(res.status).toBe(401);
    }
    expect((await cloud.app.request('/v2.1')).status).toBe(200);
    expect(cloud.faults.list()[0]?.fired).toBe(3);
  });

  it('does not count calls whose token is already invalid', async () => {
    const { app, faults } = createCloudApp();
    faults.set({ fault: 'token-expired', count: 1 });
    await app.request(`/v2.1/servers/${S.vm1.id}`, { headers: { 'X-Auth-Token': 'bogus' } });
    expect(faults.remaining('token-expired')).toBe(1);
  });
});

async function appWithTokenOn(app: ReturnType<typeof createCloudApp>['app']): Promise<string> {
  const res = await app.request('/identity/v3/auth/tokens', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(v3PasswordBody()),
  });
  return res.headers.get('x-subject-token')!;
}

describe('status faults', () => {
  it("answers a chosen route with 429, Retry-After and Nova's overLimit body, only for that method", async () => {
    const cloud = await appWithToken();
    cloud.faults.set({
      fault: 'status',
      status: 429,
      method: 'PUT',
      path: '/v2.1/servers/*/os-volume_attachments/*',
      retryAfter: 30,
    });
    expect((await cloud.call('GET', PUT_PATH)).status).toBe(200);
    const res = await cloud.call('PUT', PUT_PATH, { body: SWAP, version: '2.92' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.92');
    expect(await faultBody(res)).toEqual([
      'overLimit',
      { code: 429, message: 'This request was rate-limited.', retryAfter: '30' },
    ]);
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeDefined();
  });

  const shapes: [400 | 403 | 404 | 409 | 500 | 503, string][] = [
    [400, 'badRequest'],
    [403, 'forbidden'],
    [404, 'itemNotFound'],
    [409, 'conflictingRequest'],
    [500, 'computeFault'],
    [503, 'serviceUnavailable'],
  ];
  for (const [status, name] of shapes) {
    it(`answers ${status} as ${name}, with a given message`, async () => {
      const cloud = await appWithToken();
      cloud.faults.set({
        fault: 'status',
        status,
        path: PUT_PATH,
        message: `injected ${status}`,
        count: 1,
      });
      const res = await cloud.call('PUT', PUT_PATH, { body: SWAP });
      expect(res.status).toBe(status);
      expect(await faultBody(res)).toEqual([name, { code: status, message: `injected ${status}` }]);
      expect((await cloud.call('PUT', PUT_PATH, { body: SWAP })).status).toBe(202); // count 1 used up
    });
  }

  it('says Retry-After: 30 on a 429 that names no retryAfter', async () => {
    const cloud = await appWithToken();
    cloud.faults.set({ fault: 'status', status: 429, path: PUT_PATH });
    const res = await cloud.call('PUT', PUT_PATH, { body: SWAP });
    expect(res.headers.get('retry-after')).toBe('30');
    expect((await faultBody(res))[1].retryAfter).toBe('30');
  });

  it('uses realistic default messages for the volume-update PUT', async () => {
    const cloud = await appWithToken();
    cloud.faults.set({ fault: 'status', status: 404, path: PUT_PATH });
    const res = await cloud.call('PUT', PUT_PATH, { body: SWAP });
    expect((await faultBody(res))[1].message).toBe(
      `No volume Block Device Mapping with id ${V.attached.id}.`
    );
  });

  it("answers in Keystone's shape on Keystone paths", async () => {
    const { app, faults } = createCloudApp();
    faults.set({
      fault: 'status',
      status: 503,
      path: '/identity/v3/auth/tokens',
      message: 'down',
      retryAfter: 5,
    });
    const res = await app.request('/identity/v3/auth/tokens', {
      method: 'POST',
      body: JSON.stringify(v3PasswordBody()),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({
      error: { code: 503, title: 'Service Unavailable', message: 'down' },
    });
  });

  it('still puts the token check first', async () => {
    const { app, faults } = createCloudApp();
    faults.set({ fault: 'status', status: 409, path: '/v2.1/**' });
    expect((await app.request(PUT_PATH, { method: 'PUT' })).status).toBe(401);
  });
});

describe('legacy-400-connection-refused fault', () => {
  it('answers 400 whose body says Connection refused', async () => {
    const cloud = await appWithToken();
    cloud.faults.set({ fault: 'legacy-400-connection-refused', path: PUT_PATH });
    const res = await cloud.call('PUT', PUT_PATH, { body: SWAP });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('Connection refused');
    expect(JSON.parse(text)).toEqual({
      badRequest: { code: 400, message: 'Connection refused by the volume service' },
    });
  });
});

describe('redirect fault', () => {
  for (const status of [301, 302, 307, 308] as const) {
    it(`answers ${status} with an absolute Location, keeping the query`, async () => {
      const { app, faults } = createCloudApp();
      faults.set({
        fault: 'redirect',
        status,
        from: '/v2.1/servers',
        to: `/v2.1/${FIXTURES.credentials.projectId}/servers`,
        count: 1,
      });
      const res = await app.request('http://127.0.0.1:8774/v2.1/servers?name=vm-1');
      expect(res.status).toBe(status);
      expect(res.headers.get('location')).toBe(
        `http://127.0.0.1:8774/v2.1/${FIXTURES.credentials.projectId}/servers?name=vm-1`
      );
      expect(res.headers.get('x-compute-request-id')).toMatch(/^req-/);
      expect(faults.list()).toEqual([]);
    });
  }
});

describe('cinder-only-swap fault (Nova 2025.2)', () => {
  it('refuses a swap of a volume that is not migrating with 409, state unchanged', async () => {
    const cloud = await appWithToken();
    cloud.faults.set({ fault: 'cinder-only-swap' });
    const res = await cloud.call('PUT', PUT_PATH, { body: SWAP });
    expect(res.status).toBe(409);
    expect((await faultBody(res))[1].message).toBe(
      `volume ${V.attached.id} is not migrating; this API should only be called by Cinder`
    );
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeDefined();
  });

  it('still lets a migrating volume swap', async () => {
    const cloud = await appWithToken();
    cloud.faults.set({ fault: 'cinder-only-swap' });
    const res = await cloud.call(
      'PUT',
      `/v2.1/servers/${S.vm10.id}/os-volume_attachments/${V.migrating.id}`,
      { body: SWAP }
    );
    expect(res.status).toBe(202);
    expect(cloud.state.getAttachment(S.vm10.id, V.spare.id)).toBeDefined();
  });
});

const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('control routes /_novatrace', () => {
  it('sets, adds, lists and clears faults over JSON', async () => {
    const { app, faults } = createCloudApp();
    const put = await app.request('/_novatrace/faults', {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify([{ fault: 'token-expired', count: 2 }, { fault: 'cinder-only-swap' }]),
    });
    expect(put.status).toBe(200);
    expect(faults.list().map((f) => f.fault.fault)).toEqual(['token-expired', 'cinder-only-swap']);
    await app.request('/_novatrace/faults', {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ fault: 'delay', ms: 1 }),
    });
    const listed = (await (await app.request('/_novatrace/faults')).json()) as {
      faults: { fault: { fault: string }; remaining: number | null }[];
    };
    expect(listed.faults.map((f) => [f.fault.fault, f.remaining])).toEqual([
      ['token-expired', 2],
      ['cinder-only-swap', null],
      ['delay', null],
    ]);
    await app.request('/_novatrace/faults', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ fault: 'close-idle', afterMs: 5 }),
    });
    expect(faults.list().map((f) => f.fault.fault)).toEqual(['close-idle']);
    await app.request('/_novatrace/faults', { method: 'DELETE' });
    expect(faults.list()).toEqual([]);
  });

  it('refuses an invalid fault with 400 and a message, switching nothing on', async () => {
    const { app, faults } = createCloudApp();
    const res = await app.request('/_novatrace/faults', {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify([
        { fault: 'cinder-only-swap' },
        { fault: 'status', status: 418, path: '/' },
      ]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/"status" must be one of/);
    expect(faults.list()).toEqual([]);
    expect(
      (
        await app.request('/_novatrace/faults', {
          method: 'POST',
          headers: JSON_TYPE,
          body: 'not json',
        })
      ).status
    ).toBe(400);
  });

  it('shows the state and resets it', async () => {
    const cloud = await appWithToken();
    await cloud.call('PUT', PUT_PATH, { body: SWAP });
    const state = (await (await cloud.app.request('/_novatrace/state')).json()) as {
      attachments: { volumeId: string }[];
    };
    expect(state.attachments[0]!.volumeId).toBe(V.spare.id);
    const res = await cloud.app.request('/_novatrace/reset', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reset: true });
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeDefined();
  });

  it('answers loopback clients only', async () => {
    const { app } = createCloudApp();
    const remote = { incoming: { socket: { remoteAddress: '10.1.2.3' } } } as never;
    expect((await app.request('/_novatrace/faults', {}, remote)).status).toBe(403);
    const local = { incoming: { socket: { remoteAddress: '::ffff:127.0.0.1' } } } as never;
    expect((await app.request('/_novatrace/faults', {}, local)).status).toBe(200);
  });

  it('sets faults with the README curl form: JSON, a loopback Host, no Origin', async () => {
    const { app, faults } = createCloudApp();
    const res = await app.request('http://127.0.0.1:18774/_novatrace/faults', {
      method: 'POST',
      headers: { ...JSON_TYPE, Host: '127.0.0.1:18774', 'User-Agent': 'curl/8.5.0' },
      body: '{"fault":"token-expired","count":1}',
    });
    expect(res.status).toBe(200);
    expect(faults.list().map((f) => f.fault.fault)).toEqual(['token-expired']);
  });

  it('resets on a bodiless POST without a Content-Type, as the README curl sends it', async () => {
    const { app, faults } = createCloudApp();
    faults.set({ fault: 'cinder-only-swap' });
    const res = await app.request('http://127.0.0.1:18774/_novatrace/reset', {
      method: 'POST',
      headers: { Host: '127.0.0.1:18774' },
    });
    expect(res.status).toBe(200);
    expect(faults.list()).toEqual([]);
  });

  it('resets on a JSON POST, and a same-origin page may send it', async () => {
    const { app, faults } = createCloudApp();
    faults.set({ fault: 'cinder-only-swap' });
    const res = await app.request('http://localhost:18774/_novatrace/reset', {
      method: 'POST',
      headers: {
        ...JSON_TYPE,
        Host: 'localhost:18774',
        Origin: 'http://localhost:18774',
        'Sec-Fetch-Site': 'same-origin',
      },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(faults.list()).toEqual([]);
  });

  it('refuses a cross-site fault with 403, even in JSON, switching nothing on', async () => {
    const { app, faults } = createCloudApp();
    for (const headers of [
      { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'http://evil.example' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
    ] as Record<string, string>[]) {
      for (const type of ['text/plain', 'application/json']) {
        const res = await app.request('/_novatrace/faults', {
          method: 'POST',
          headers: { ...headers, 'Content-Type': type },
          body: JSON.stringify({ fault: 'status', status: 500, path: '/**' }),
        });
        expect(res.status).toBe(403);
      }
    }
    expect(faults.list()).toEqual([]);
    const del = await app.request('/_novatrace/faults', {
      method: 'DELETE',
      headers: { Origin: 'http://evil.example' },
    });
    expect(del.status).toBe(403);
  });

  it('refuses a fault that is not sent as application/json with 415', async () => {
    const { app, faults } = createCloudApp();
    for (const headers of [{ 'Content-Type': 'text/plain' }, {}] as Record<string, string>[]) {
      const res = await app.request('/_novatrace/faults', {
        method: 'POST',
        headers,
        body: JSON.stringify({ fault: 'status', status: 500, path: '/**' }),
      });
      expect(res.status).toBe(415);
    }
    expect(faults.list()).toEqual([]);
  });

  it('refuses a form-encoded or cross-site reset, leaving state and faults alone', async () => {
    const cloud = await appWithToken();
    expect((await cloud.call('PUT', PUT_PATH, { body: SWAP })).status).toBe(202);
    cloud.faults.set({ fault: 'cinder-only-swap' });
    const form = await cloud.app.request('/_novatrace/reset', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(form.status).toBe(415);
    const plain = await cloud.app.request('/_novatrace/reset', { method: 'POST', body: 'x' });
    expect(plain.status).toBe(415);
    const crossSite = await cloud.app.request('/_novatrace/reset', {
      method: 'POST',
      headers: { Origin: 'http://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(cloud.faults.list().map((f) => f.fault.fault)).toEqual(['cinder-only-swap']);
    expect(cloud.state.getAttachment(S.vm1.id, V.spare.id)).toBeDefined();
  });

  it('refuses a Host that is not a loopback name with 421 (DNS rebinding)', async () => {
    const { app, faults } = createCloudApp();
    const get = await app.request('http://rebound.example:18774/_novatrace/state', {
      headers: { Host: 'rebound.example:18774' },
    });
    expect(get.status).toBe(421);
    const post = await app.request('http://rebound.example:18774/_novatrace/faults', {
      method: 'POST',
      headers: { ...JSON_TYPE, Host: 'rebound.example:18774' },
      body: JSON.stringify({ fault: 'cinder-only-swap' }),
    });
    expect(post.status).toBe(421);
    expect(faults.list()).toEqual([]);
    for (const host of ['localhost:1', '127.0.0.1', '127.1.2.3:9', '[::1]:18774']) {
      const ok = await app.request('/_novatrace/faults', { headers: { Host: host } });
      expect(ok.status).toBe(200);
    }
  });

  it('reads the body through the body limit (413), announced or not', async () => {
    const { app, faults } = createCloudApp({ bodyLimit: 1024 });
    const big = JSON.stringify({ fault: 'status', status: 500, path: `/${'x'.repeat(2000)}` });
    const announced = await app.request('/_novatrace/faults', {
      method: 'POST',
      headers: JSON_TYPE,
      body: big,
    });
    expect(announced.status).toBe(413);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: a body that would go on far past the limit if the server kept reading.
        if (pulled >= 64) return controller.close();
        pulled += 1;
        controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
      },
    });
    const streamed = await app.request('/_novatrace/reset', {
      method: 'POST',
      headers: JSON_TYPE,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(64);
    expect(faults.list()).toEqual([]);
  });
});

describe('bad input', () => {
  it("answers malformed JSON with Nova's 400 Malformed request body, state unchanged", async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('PUT', PUT_PATH, { body: '{"volumeAttachment": ' });
    expect(res.status).toBe(400);
    expect(await faultBody(res)).toEqual([
      'badRequest',
      { code: 400, message: 'Malformed request body' },
    ]);
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeDefined();
  });

  it('answers a non-JSON content type with 415', async () => {
    const cloud = await appWithToken();
    const res = await cloud.app.request(PUT_PATH, {
      method: 'PUT',
      headers: { 'X-Auth-Token': cloud.token, 'Content-Type': 'text/plain' },
      body: JSON.stringify(SWAP),
    });
    expect(res.status).toBe(415);
    expect(await faultBody(res)).toEqual([
      'badMediaType',
      { code: 415, message: 'Unsupported Content-Type' },
    ]);
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeDefined();
  });

  it('answers a body over the limit with 413, announced or streamed', async () => {
    const cloud = await appWithToken({ bodyLimit: 1024 });
    const big = JSON.stringify({
      volumeAttachment: { volumeId: V.spare.id, pad: 'x'.repeat(2000) },
    });
    const announced = await cloud.call('PUT', PUT_PATH, { body: big });
    expect(announced.status).toBe(413);
    expect(await faultBody(announced)).toEqual([
      'overLimit',
      { code: 413, message: 'Request is too large.' },
    ]);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
        controller.close();
      },
    });
    const streamed = await cloud.app.request(PUT_PATH, {
      method: 'PUT',
      headers: { 'X-Auth-Token': cloud.token, 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeDefined();
  });

  it("answers Keystone's malformed JSON in Keystone's shape, unknown paths in Flask's", async () => {
    const { app } = createCloudApp();
    const bad = await app.request('/identity/v3/auth/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()) as object)).toEqual(['error']);
    // Keystone (Flask) answers a URL it has no route for with the framework's HTML page.
    const unknown = await app.request('/identity/v3/users');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await unknown.text()).toContain('The requested URL was not found on the server.');
  });

  it("answers unknown paths outside the services with WebOb 1.5's plain-text 404", async () => {
    const { app } = createCloudApp();
    const res = await app.request('/nothing/here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^404 Not Found\n\nThe resource could not be found\./);
  });

  it('turns an unexpected exception into a 500 computeFault instead of crashing', async () => {
    class BrokenState extends CloudState {
      override getServer(): never {
        throw new TypeError('boom');
      }
    }
    const cloud = await appWithToken({ state: new BrokenState() });
    const res = await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`);
    expect(res.status).toBe(500);
    const [name, body] = await faultBody(res);
    expect(name).toBe('computeFault');
    expect(body.message).toMatch(/^Unexpected API Error\. .*\n<class 'TypeError'>$/s);
    expect((await cloud.call('GET', '/v2.1/servers?name=vm')).status).toBe(200);
  });
});

describe('cloud spans', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const PARENT_ID = '00f067aa0ba902b7';

  it('continues the caller trace with a SERVER span per request and INTERNAL steps inside', async () => {
    const mem = memoryCloudSpans();
    const cloud = await appWithToken({ spanProcessors: mem.processors });
    mem.reset();
    const res = await cloud.call('PUT', PUT_PATH, {
      body: SWAP,
      version: '2.92',
      headers: {
        traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
        'User-Agent': 'python-novaclient',
        Host: '127.0.0.1:8774',
      },
    });
    expect(res.status).toBe(202);
    const spans = await mem.spans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.name).toBe('PUT /v2.1/servers/{server_id}/os-volume_attachments/{volume_id}');
    expect(server.spanContext().traceId).toBe(TRACE_ID);
    expect(server.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(server.resource.attributes['service.name']).toBe('nova-api');
    expect(server.instrumentationScope.name).toBe('novatrace.cloud');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'PUT',
      'url.path': PUT_PATH,
      'http.route': '/v2.1/servers/{server_id}/os-volume_attachments/{volume_id}',
      'http.response.status_code': 202,
      'user_agent.original': 'python-novaclient',
      'novatrace.nova.microversion': '2.92',
    });
    expect(server.attributes['novatrace.cloud.request_id']).toBe(
      res.headers.get('x-openstack-request-id')
    );
    const children = spans
      .filter((s) => s.parentSpanContext?.spanId === server.spanContext().spanId)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
      .map((s) => `${s.name}:${s.kind === SpanKind.INTERNAL ? 'internal' : s.kind}`);
    expect(children).toEqual([
      'validate token:internal',
      'validate body:internal',
      'lookup server:internal',
      'check attachment fields:internal',
      'check swap:internal',
      'swap volume:internal',
    ]);
  });

  it('starts a new trace without traceparent, names Keystone spans by service, and leaks no secret', async () => {
    const mem = memoryCloudSpans();
    const cloud = await appWithToken({ spanProcessors: mem.processors });
    await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`);
    const spans = await mem.spans();
    const keystone = spans.find((s) => s.name === 'POST /identity/v3/auth/tokens')!;
    expect(keystone.resource.attributes['service.name']).toBe('keystone');
    expect(keystone.parentSpanContext).toBeUndefined();
    expect(
      spans
        .filter((s) => s.parentSpanContext?.spanId === keystone.spanContext().spanId)
        .map((s) => s.name)
    ).toEqual(['check credentials', 'issue token', 'build catalog']);
    const dump = JSON.stringify(
      spans.map((s) => ({ a: s.attributes, e: s.events, n: s.name, st: s.status }))
    );
    expect(dump).not.toContain(cloud.token);
    expect(dump).not.toContain(FIXTURES.credentials.password);
  });

  it('marks 5xx SERVER spans as errors and leaves 4xx unset; faults show as events', async () => {
    const mem = memoryCloudSpans();
    const cloud = await appWithToken({ spanProcessors: mem.processors });
    cloud.faults.set({ fault: 'status', status: 503, path: PUT_PATH, count: 1 });
    cloud.faults.set({ fault: 'token-expired', count: 1 });
    await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`);
    const token = await appWithTokenOn(cloud.app);
    await cloud.app.request(PUT_PATH, {
      method: 'PUT',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify(SWAP),
    });
    const servers = (await mem.spans()).filter(
      (s) => s.kind === SpanKind.SERVER && s.resource.attributes['service.name'] === 'nova-api'
    );
    const [expired, unavailable] = servers;
    expect(expired!.attributes['http.response.status_code']).toBe(401);
    // Answered before their handlers ran, both are still named by their route.
    expect(expired!.name).toBe('GET /v2.1/servers/{server_id}');
    expect(unavailable!.name).toBe(
      'PUT /v2.1/servers/{server_id}/os-volume_attachments/{volume_id}'
    );
    expect(expired!.status.code).toBe(SpanStatusCode.UNSET);
    expect(expired!.events.map((e) => e.name)).toEqual(['fault: token expired (401)']);
    const validate = (await mem.spans()).find(
      (s) =>
        s.name === 'validate token' && s.parentSpanContext?.spanId === expired!.spanContext().spanId
    )!;
    expect(validate.status.code).toBe(SpanStatusCode.ERROR);
    expect(unavailable!.status.code).toBe(SpanStatusCode.ERROR);
    expect(unavailable!.attributes['error.type']).toBe('503');
    expect(unavailable!.events.map((e) => e.name)).toEqual(['fault: status 503']);
  });
});
