/**
 * HTTPClient without sockets: requests is replaced by a scripted fake (as upstream's
 * test_http.py patches `requests.request`), so each test says exactly what the server answers.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

interface Sent {
  method: string;
  url: string;
  kwargs: {
    headers?: Record<string, string>;
    data?: string;
    timeout?: unknown;
    verify?: unknown;
    allow_redirects?: boolean;
  };
  via: 'requests.request' | 'session';
}

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  text?: string;
}

const wire = vi.hoisted(() => ({
  sent: [] as Array<{
    method: string;
    url: string;
    kwargs: { headers?: Record<string, string>; [key: string]: unknown };
    via: string;
  }>,
  answers: [] as Array<{ status: number; headers?: Record<string, string>; text?: string }>,
  sessions: 0,
  mounts: [] as string[],
}));

vi.mock('../../../src/requests/index.js', () => {
  class FakeHeaders {
    readonly #map: Map<string, [string, string]>;
    constructor(init: Record<string, string>) {
      this.#map = new Map(Object.entries(init).map(([k, v]) => [k.toLowerCase(), [k, v]]));
    }
    get(name: string): string | undefined {
      return this.#map.get(name.toLowerCase())?.[1];
    }
    items(): Array<[string, string]> {
      return [...this.#map.values()];
    }
  }
  function answer(method: string, url: string, kwargs: Record<string, unknown>, via: string) {
    wire.sent.push({
      method,
      url,
      kwargs: { ...kwargs, headers: { ...(kwargs['headers'] as Record<string, string>) } },
      via,
    });
    const next = wire.answers.shift();
    if (!next) throw new Error(`no scripted answer for ${method} ${url}`);
    return {
      status_code: next.status,
      headers: new FakeHeaders(next.headers ?? {}),
      text: next.text ?? '',
    };
  }
  class HTTPAdapter {}
  class Session {
    constructor() {
      wire.sessions++;
    }
    mount(prefix: string) {
      wire.mounts.push(prefix);
    }
    async request(method: string, url: string, kwargs: Record<string, unknown> = {}) {
      return answer(method, url, kwargs, 'session');
    }
    async close() {}
  }
  return {
    HTTPAdapter,
    Session,
    request: async (method: string, url: string, kwargs: Record<string, unknown> = {}) =>
      answer(method, url, kwargs, 'requests.request'),
    with_resend_count: <T>(_count: number, fn: () => Promise<T>) => fn(),
  };
});

const { HTTPClient } = await import('../../../src/novaclient/client.js');
const { APIVersion } = await import('../../../src/novaclient/api_versions.js');
const { ConnectionRefused, Unauthorized, BadRequest } =
  await import('../../../src/novaclient/exceptions.js');
const { useMemoryTracing } = await import('../../helpers/memory-tracing.js');

const tracing = useMemoryTracing();

const AUTH_V2 = 'http://keystone.test:5000/v2.0';
const AUTH_V3 = 'http://keystone.test:5000/v3';
const COMPUTE = 'http://nova.test:8774/v2.1/tenant-1';

function v2Token(id: string): Scripted {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    text: JSON.stringify({
      access: {
        token: { id, tenant: { id: 'tenant-1', name: 'demo' } },
        serviceCatalog: [
          {
            type: 'compute',
            name: 'nova',
            endpoints: [{ region: 'RegionOne', publicURL: COMPUTE }],
          },
        ],
      },
    }),
  };
}

function v3Token(id: string): Scripted {
  return {
    status: 201,
    headers: { 'X-Subject-Token': id, 'Content-Type': 'application/json' },
    text: JSON.stringify({
      token: {
        project: { id: 'proj-1', name: 'demo' },
        catalog: [
          {
            type: 'compute',
            name: 'nova',
            endpoints: [
              { interface: 'public', region: 'RegionOne', url: 'http://nova.test:8774/v2.1/' },
              { interface: 'internal', region: 'RegionOne', url: 'http://internal:8774/v2.1' },
            ],
          },
        ],
      },
    }),
  };
}

const unauthorized: Scripted = {
  status: 401,
  headers: { 'x-compute-request-id': 'req-401' },
  text: JSON.stringify({
    error: {
      code: 401,
      title: 'Unauthorized',
      message: 'The request you have made requires authentication.',
    },
  }),
};

function client(extra: Partial<ConstructorParameters<typeof HTTPClient>[0]> = {}) {
  return new HTTPClient({
    user: 'demo',
    password: 'secret',
    projectid: 'demo',
    auth_url: AUTH_V2,
    api_version: new APIVersion('2.1'),
    ...extra,
  });
}

beforeEach(() => {
  wire.sent.length = 0;
  wire.answers.length = 0;
  wire.sessions = 0;
  wire.mounts.length = 0;
});

function body(i: number): unknown {
  const data = (wire.sent[i] as Sent).kwargs.data;
  return data === undefined ? undefined : JSON.parse(data);
}

describe('HTTPClient._cs_request', () => {
  // upstream: novaclient/tests/unit/test_http.py ClientTest.test_get (headers of a GET)
  it('authenticates lazily with v2.0, then sends the call to the catalog URL with the token', async () => {
    wire.answers.push(v2Token('tok-1'), {
      status: 200,
      headers: {},
      text: '{"server": {"id": "s"}}',
    });
    const c = client();
    const [resp, b] = await c.get('/servers/s');
    expect(resp.status_code).toBe(200);
    expect(b).toEqual({ server: { id: 's' } });
    expect(wire.sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${AUTH_V2}/tokens`,
      `GET ${COMPUTE}/servers/s`,
    ]);
    expect(body(0)).toEqual({
      auth: { passwordCredentials: { username: 'demo', password: 'secret' }, tenantName: 'demo' },
    });
    expect(wire.sent[0]?.kwargs.allow_redirects).toBe(true);
    expect(wire.sent[1]?.kwargs.headers).toEqual({
      'X-Auth-Token': 'tok-1',
      'X-Auth-Project-Id': 'demo',
      'User-Agent': 'python-novaclient',
      Accept: 'application/json',
      'X-OpenStack-Nova-API-Version': '2.1',
    });
    expect(Object.keys(wire.sent[1]?.kwargs.headers ?? {})).toEqual([
      'X-Auth-Token',
      'X-Auth-Project-Id',
      'User-Agent',
      'Accept',
      'X-OpenStack-Nova-API-Version',
    ]);
    const cs = (await tracing.spans()).find((s) => s.name === 'HTTPClient._cs_request');
    expect(cs?.events.map((e) => e.attributes?.['novatrace.event'])).toContain(
      'no management_url: authenticate'
    );
  });

  it('re-authenticates after a 401, sending tenantId learned from the first token, and retries once', async () => {
    wire.answers.push(v2Token('tok-1'), unauthorized, v2Token('tok-2'), {
      status: 202,
      headers: { 'x-openstack-request-id': 'req-ok' },
      text: '',
    });
    const c = client();
    const [resp, b] = await c.put('/servers/s/os-volume_attachments/v', {
      body: { volumeAttachment: { volumeId: 'n' } },
    });
    expect(resp.status_code).toBe(202);
    expect(b).toBeNull();
    expect(wire.sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${AUTH_V2}/tokens`,
      `PUT ${COMPUTE}/servers/s/os-volume_attachments/v`,
      `POST ${AUTH_V2}/tokens`,
      `PUT ${COMPUTE}/servers/s/os-volume_attachments/v`,
    ]);
    expect(body(2)).toEqual({
      auth: { passwordCredentials: { username: 'demo', password: 'secret' }, tenantId: 'tenant-1' },
    });
    expect(wire.sent[1]?.kwargs.headers?.['X-Auth-Token']).toBe('tok-1');
    expect(wire.sent[3]?.kwargs.headers?.['X-Auth-Token']).toBe('tok-2');
    expect(body(3)).toEqual({ volumeAttachment: { volumeId: 'n' } });
    expect(c.last_request_id).toBe('req-ok');
    const spans = await tracing.spans();
    const cs = spans.find((s) => s.name === 'HTTPClient._cs_request');
    expect(cs?.status.code).not.toBe(2);
    expect(cs?.events.map((e) => e.attributes?.['novatrace.event'])).toEqual([
      'no management_url: authenticate',
      '401: re-authenticate and retry',
    ]);
  });

  it('raises the FIRST Unauthorized when the retry is refused too', async () => {
    const second = { ...unauthorized, headers: { 'x-compute-request-id': 'req-second' } };
    wire.answers.push(v2Token('tok-1'), unauthorized, v2Token('tok-2'), second);
    const err = await client()
      .get('/servers/s')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Unauthorized);
    expect((err as Error).message).toBe(
      'The request you have made requires authentication. (HTTP 401) (Request-ID: req-401)'
    );
    const cs = (await tracing.spans()).find((s) => s.name === 'HTTPClient._cs_request');
    expect(cs?.events.map((e) => e.attributes?.['novatrace.event'])).toContain(
      'retry also 401: raise the first error'
    );
  });

  it('raises the first error when the re-authentication itself is refused', async () => {
    const keystone401 = {
      status: 401,
      headers: {},
      text: '{"error": {"message": "bad password", "code": 401}}',
    };
    wire.answers.push(v2Token('tok-1'), unauthorized, keystone401);
    const err = await client()
      .get('/servers/s')
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain('(Request-ID: req-401)');
    expect(wire.sent).toHaveLength(3);
  });

  it('uses the bypass URL instead of the catalog', async () => {
    wire.answers.push(v2Token('tok-1'), { status: 200, text: '{}' });
    const c = client({ bypass_url: 'http://bypass.test/v2.1/' });
    // Python: management_url = bypass_url from the start, so no lazy auth: the first call goes
    // without a token, is refused, and the 401 path authenticates.
    wire.answers.unshift(unauthorized);
    await c.get('/servers');
    expect(wire.sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET http://bypass.test/v2.1/servers',
      `POST ${AUTH_V2}/tokens`,
      'GET http://bypass.test/v2.1/servers',
    ]);
    expect(wire.sent[0]?.kwargs.headers?.['X-Auth-Token']).toBeUndefined();
  });
});

describe('HTTPClient._v3_auth', () => {
  it('sends v3 password auth with default domains and takes the token from X-Subject-Token (ours)', async () => {
    wire.answers.push(v3Token('tok-v3'), { status: 200, text: '{}' });
    const c = client({ auth_url: AUTH_V3 });
    await c.get('/servers/s');
    expect(wire.sent[0]?.url).toBe(`${AUTH_V3}/auth/tokens`);
    expect(body(0)).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'demo', domain: { id: 'default' }, password: 'secret' } },
        },
        scope: { project: { name: 'demo', domain: { id: 'default' } } },
      },
    });
    expect(wire.sent[1]?.url).toBe('http://nova.test:8774/v2.1/servers/s');
    expect(wire.sent[1]?.kwargs.headers?.['X-Auth-Token']).toBe('tok-v3');
    expect(c.tenant_id).toBe('proj-1');
  });

  it('appends /v3 to an unversioned auth URL and scopes by project id on re-auth', async () => {
    wire.answers.push(v3Token('a'), unauthorized, v3Token('b'), { status: 200, text: '{}' });
    const c = client({
      auth_url: 'http://keystone.test:5000/',
      user_domain_name: 'Default',
      project_domain_id: 'dom',
    });
    await c.get('/servers');
    expect(wire.sent[0]?.url).toBe('http://keystone.test:5000/v3/auth/tokens');
    expect(
      (body(0) as { auth: { identity: { password: { user: unknown } } } }).auth.identity.password
        .user
    ).toEqual({
      name: 'demo',
      domain: { name: 'Default' },
      password: 'secret',
    });
    expect((body(0) as { auth: { scope: unknown } }).auth.scope).toEqual({
      project: { name: 'demo', domain: { id: 'dom' } },
    });
    expect((body(2) as { auth: { scope: unknown } }).auth.scope).toEqual({
      project: { id: 'proj-1' },
    });
  });
});

describe('HTTPClient.request', () => {
  it('raises ConnectionRefused for the legacy 400 whose body says so', async () => {
    // upstream: test_http.py ClientTest.test_connection_refused
    wire.answers.push(v2Token('t'), { status: 400, text: 'Connection refused by upstream' });
    const err = await client()
      .get('/x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionRefused);
    expect((err as Error).message).toBe("ConnectionRefused: 'Connection refused by upstream'");
  });

  it('raises BadRequest for an ordinary 400', async () => {
    // upstream: test_http.py ClientTest.test_bad_request
    wire.answers.push(v2Token('t'), {
      status: 400,
      headers: { 'x-compute-request-id': 'req-b' },
      text: '{"badRequest": {"message": "Invalid input", "code": 400}}',
    });
    const err = await client()
      .get('/x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequest);
    expect((err as Error).message).toBe('Invalid input (HTTP 400) (Request-ID: req-b)');
  });

  it('sends timeout and verify, JSON with json.dumps separators, and both microversion headers from 2.27', async () => {
    wire.answers.push(v2Token('t'), { status: 202, text: '' });
    const c = client({ timeout: '30', insecure: true, api_version: new APIVersion('2.85') });
    await c.put('/p', {
      body: { volumeAttachment: { volumeId: 'v', delete_on_termination: true } },
    });
    const put = wire.sent[1] as Sent;
    expect(put.kwargs.data).toBe(
      '{"volumeAttachment": {"volumeId": "v", "delete_on_termination": true}}'
    );
    expect(put.kwargs.timeout).toBe(30);
    expect(put.kwargs.verify).toBe(false);
    expect(put.kwargs.headers?.['OpenStack-API-Version']).toBe('compute 2.85');
    expect(put.kwargs.headers?.['X-OpenStack-Nova-API-Version']).toBe('2.85');
    expect(put.kwargs.headers?.['Content-Type']).toBe('application/json');
  });
});

describe('HTTPClient.http_log_req', () => {
  it('writes the curl line with sorted headers and {SHA1} token and password', async () => {
    wire.answers.push(v2Token('gAAAA-token-xyz'), { status: 202, text: '' });
    const lines: string[] = [];
    const c = client({ http_log_debug: true, logger: (l) => lines.push(l), insecure: true });
    await c.put('/p', { body: { a: 1 } });
    expect(lines[0]).toBe(
      `REQ: curl -g -i --insecure '${AUTH_V2}/tokens' -X POST -H "Accept: application/json" -H "Content-Type: application/json" -H "User-Agent: python-novaclient" -H "X-OpenStack-Nova-API-Version: 2.1" -d '{"auth": {"passwordCredentials": {"username": "demo", "password": "{SHA1}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"}, "tenantName": "demo"}}'`
    );
    const put = lines.find((l) => l.startsWith(`REQ: curl -g -i --insecure '${COMPUTE}/p' -X PUT`));
    expect(put).toContain('-H "X-Auth-Token: {SHA1}');
    expect(put).not.toContain('gAAAA-token-xyz');
    const resp = lines.find((l) => l.startsWith('RESP: [200]'));
    expect(resp).toMatch(
      /^RESP: \[200\] \{'Content-Type': 'application\/json'\}\nRESP BODY: \{"access": \{"token": \{"id": "\{SHA1\}[0-9a-f]{40}"/
    );
    expect(lines.join('\n')).not.toContain('secret"');
    const spans = await tracing.spans();
    const events = spans
      .flatMap((s) => s.events)
      .filter((e) => e.attributes?.['novatrace.event'] === 'REQ');
    expect(events[0]?.name).toBe(lines[0]);
  });

  it('emits the REQ event without printing when debug is off', async () => {
    wire.answers.push(v2Token('t'), { status: 200, text: '{}' });
    const lines: string[] = [];
    await client({ logger: (l) => lines.push(l) }).get('/x');
    expect(lines).toEqual([]);
    const spans = await tracing.spans();
    expect(
      spans.flatMap((s) => s.events).filter((e) => e.attributes?.['novatrace.event'] === 'REQ')
    ).toHaveLength(2);
  });
});

describe('HTTPClient._get_session', () => {
  it('uses a throw-away requests.request per call without a pool or open session', async () => {
    wire.answers.push(v2Token('t'), { status: 200, text: '{}' });
    await client().get('/x');
    expect(wire.sent.map((s) => s.via)).toEqual(['requests.request', 'requests.request']);
  });

  it('creates one Session per service URL with the connection pool', async () => {
    wire.answers.push(v2Token('t'), { status: 200, text: '{}' }, { status: 200, text: '{}' });
    const lines: string[] = [];
    const c = client({ connection_pool: true, http_log_debug: true, logger: (l) => lines.push(l) });
    await c.get('/x');
    await c.get('/y');
    expect(wire.sent.map((s) => s.via)).toEqual(['session', 'session', 'session']);
    expect(wire.mounts).toEqual(['http://keystone.test:5000', 'http://nova.test:8774']);
    expect(wire.sessions).toBe(2);
    expect(lines.filter((l) => l.startsWith('New session created'))).toEqual([
      'New session created for: (http://keystone.test:5000)',
      'New session created for: (http://nova.test:8774)',
    ]);
    await c.close();
  });

  it('shares the session of open_session()', async () => {
    wire.answers.push(v2Token('t'), { status: 200, text: '{}' });
    const c = client();
    c.open_session();
    await c.get('/x');
    expect(wire.sent.map((s) => s.via)).toEqual(['session', 'session']);
    expect(wire.sessions).toBe(1);
    await c.close_session();
  });
});

describe('HTTPClient._time_request', () => {
  it('records ("METHOD url", start, end) only when timings are on', async () => {
    wire.answers.push(v2Token('t'), { status: 200, text: '{}' });
    const c = client({ timings: true });
    await c.get('/x');
    expect(c.get_timings().map(([label]) => label)).toEqual([
      `POST ${AUTH_V2}/tokens`,
      `GET ${COMPUTE}/x`,
    ]);
    wire.answers.push({ status: 200, text: '{}' });
    const quiet = client({ auth_token: 't', bypass_url: COMPUTE });
    await quiet.get('/x');
    expect(quiet.get_timings()).toEqual([]);
  });
});
