// No-network tests of Session: a fake adapter answers with canned responses, so the redirect
// rules, the redirect cache, header merging and adapter choice are checked without sockets.
// (upstream: tests/test_requests.py, e.g. test_http_302_changes_post_to_get,
// test_auth_is_stripped_on_redirect_off_host, test_requests_are_updated_each_time)
import { describe, expect, it } from 'vitest';
import { BaseAdapter, type AdapterSendKwargs } from '../../../src/requests/adapters.js';
import { TooManyRedirects, InvalidSchema } from '../../../src/requests/exceptions.js';
import { PreparedRequest, Request, Response } from '../../../src/requests/models.js';
import { Session, merge_setting } from '../../../src/requests/sessions.js';
import { CaseInsensitiveDict } from '../../../src/requests/structures.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing('requests-unit');

interface Sent {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

/** Answers each URL with a canned status (and Location); records what it was sent. */
class FakeAdapter extends BaseAdapter {
  readonly sent: Sent[] = [];
  closed = false;
  readonly routes: Record<string, { status: number; location?: string }>;
  constructor(routes: Record<string, { status: number; location?: string }>) {
    super();
    this.routes = routes;
  }
  async send(request: PreparedRequest, _kwargs: AdapterSendKwargs = {}): Promise<Response> {
    this.sent.push({
      method: request.method ?? '',
      url: request.url ?? '',
      body: request.body,
      headers: Object.fromEntries(request.headers.items()),
    });
    const route = this.routes[request.url ?? ''] ?? { status: 200 };
    const r = new Response();
    r.status_code = route.status;
    r.url = request.url ?? '';
    r.request = request;
    r.headers = new CaseInsensitiveDict(route.location ? { Location: route.location } : {});
    return r;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function sessionWith(
  routes: Record<string, { status: number; location?: string }>
): [Session, FakeAdapter] {
  const session = new Session({ env: {} });
  const adapter = new FakeAdapter(routes);
  session.mount('http://', adapter);
  return [session, adapter];
}

describe('SessionRedirectMixin.resolve_redirects', () => {
  it.each([
    [303, 'PUT', 'GET'],
    [303, 'HEAD', 'HEAD'],
    [302, 'POST', 'GET'],
    // requests 2.9.1 turns a 302 into GET for every method but HEAD, as browsers do.
    [302, 'PUT', 'GET'],
    [302, 'HEAD', 'HEAD'],
    [301, 'POST', 'GET'],
    [301, 'PUT', 'PUT'],
    [307, 'POST', 'POST'],
    [308, 'PUT', 'PUT'],
  ])('after %i turns %s into %s', async (status, method, expected) => {
    const [session, adapter] = sessionWith({
      'http://a.example/from': { status, location: '/to' },
    });
    const r = await session.request(method, 'http://a.example/from', { data: 'body' });
    expect(r.status_code).toBe(200);
    expect(adapter.sent[1]?.method).toBe(expected);
    expect(adapter.sent[1]?.url).toBe('http://a.example/to');
  });

  it('drops the body and Content-Length unless the status is 307 or 308', async () => {
    const [session, adapter] = sessionWith({
      'http://a.example/303': { status: 303, location: '/x' },
      'http://a.example/307': { status: 307, location: '/x' },
    });
    await session.request('POST', 'http://a.example/303', { data: 'payload' });
    await session.request('POST', 'http://a.example/307', { data: 'payload' });
    expect([adapter.sent[1]?.body, adapter.sent[1]?.headers['Content-Length']]).toEqual([
      null,
      undefined,
    ]);
    expect([adapter.sent[3]?.body, adapter.sent[3]?.headers['Content-Length']]).toEqual([
      'payload',
      '7',
    ]);
  });

  it('drops Authorization when redirected to another host, but keeps X-Auth-Token', async () => {
    const [session, adapter] = sessionWith({
      'http://a.example/same': { status: 302, location: 'http://a.example/next' },
      'http://a.example/away': { status: 302, location: 'http://b.example/next' },
    });
    const headers = { Authorization: 'Basic abc', 'X-Auth-Token': 'tok' };
    await session.request('GET', 'http://a.example/same', { headers });
    await session.request('GET', 'http://a.example/away', { headers });
    expect(adapter.sent[1]?.headers.Authorization).toBe('Basic abc');
    expect(adapter.sent[3]?.headers.Authorization).toBeUndefined();
    // requests only strips Authorization: a token header follows the redirect to the other host.
    expect(adapter.sent[3]?.headers['X-Auth-Token']).toBe('tok');
    const spans = await tracing.spans();
    const events = spans.flatMap((s) => s.events.map((e) => e.attributes?.['novatrace.event']));
    expect(events).toContain('redirect: Authorization dropped');
  });

  it('resolves a scheme-relative and a relative Location against the response URL', async () => {
    const [session, adapter] = sessionWith({
      'http://a.example/dir/page': { status: 302, location: '../other?q=1' },
      'http://a.example/other?q=1': { status: 302, location: '//b.example/x' },
    });
    const r = await session.request('GET', 'http://a.example/dir/page');
    expect(adapter.sent.map((s) => s.url)).toEqual([
      'http://a.example/dir/page',
      'http://a.example/other?q=1',
      'http://b.example/x',
    ]);
    expect(r.history.map((h) => h.url)).toEqual([
      'http://a.example/dir/page',
      'http://a.example/other?q=1',
    ]);
  });

  it('raises TooManyRedirects after max_redirects', async () => {
    const [session] = sessionWith({ 'http://a.example/loop': { status: 302, location: '/loop' } });
    session.max_redirects = 3;
    const err = await session.request('GET', 'http://a.example/loop').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyRedirects);
    expect((err as Error).message).toBe('Exceeded 3 redirects.');
  });

  it('does not follow redirects with allow_redirects false', async () => {
    const [session, adapter] = sessionWith({
      'http://a.example/r': { status: 301, location: '/x' },
    });
    const r = await session.request('GET', 'http://a.example/r', { allow_redirects: false });
    expect(r.status_code).toBe(301);
    expect(r.is_permanent_redirect).toBe(true);
    expect(adapter.sent).toHaveLength(1);
  });
});

describe('Session.send', () => {
  it('follows the redirect cache for a permanent redirect on the next call', async () => {
    const [session, adapter] = sessionWith({
      'http://a.example/old': { status: 301, location: '/new' },
    });
    await session.request('GET', 'http://a.example/old');
    await session.request('GET', 'http://a.example/old');
    expect(adapter.sent.map((s) => s.url)).toEqual([
      'http://a.example/old',
      'http://a.example/new',
      'http://a.example/new',
    ]);
    // A 302 is not cached.
    const [s2, a2] = sessionWith({ 'http://a.example/tmp': { status: 302, location: '/new' } });
    await s2.request('GET', 'http://a.example/tmp');
    await s2.request('GET', 'http://a.example/tmp');
    expect(a2.sent.map((s) => s.url)).toEqual([
      'http://a.example/tmp',
      'http://a.example/new',
      'http://a.example/tmp',
      'http://a.example/new',
    ]);
  });

  it('refuses an unprepared Request', async () => {
    const session = new Session({ env: {} });
    const req = new Request({ method: 'GET', url: 'http://a.example/' });
    await expect(session.send(req as unknown as PreparedRequest)).rejects.toThrow(
      'You can only send PreparedRequests.'
    );
  });

  it('runs response hooks, which may replace the response', async () => {
    const [session] = sessionWith({});
    const replaced = new Response();
    replaced.status_code = 299;
    replaced.request = new PreparedRequest();
    const r = await session.request('GET', 'http://a.example/', {
      hooks: { response: () => replaced },
    });
    expect(r).toBe(replaced);
  });
});

describe('Session.prepare_request', () => {
  it('merges session headers first, then the request’s, removing None values', () => {
    const session = new Session({ env: {} });
    const p = session.prepare_request(
      new Request({
        method: 'put',
        url: 'http://a.example/x',
        headers: {
          'user-agent': 'python-novaclient',
          Accept: 'application/json',
          'Accept-Encoding': null,
          'X-Auth-Token': 'tok',
        },
      })
    );
    expect(p.method).toBe('PUT');
    expect(p.headers.items()).toEqual([
      ['user-agent', 'python-novaclient'],
      ['Accept', 'application/json'],
      ['Connection', 'keep-alive'],
      ['X-Auth-Token', 'tok'],
      ['Content-Length', '0'],
    ]);
  });

  it('adds session cookies and basic auth', () => {
    const session = new Session({ env: {} });
    session.cookies.set('a', '1');
    session.auth = ['user', 'pass'];
    const p = session.prepare_request(
      new Request({ method: 'GET', url: 'http://a.example/', cookies: { b: '2' } })
    );
    expect(p.headers.get('Cookie')).toBe('a=1; b=2');
    expect(p.headers.get('Authorization')).toBe(
      `Basic ${Buffer.from('user:pass').toString('base64')}`
    );
  });
});

describe('Session.merge_environment_settings', () => {
  it('takes proxies from *_proxy unless no_proxy matches, and the CA bundle from the environment', () => {
    const session = new Session({
      env: {
        http_proxy: 'http://proxy:3128',
        no_proxy: 'internal.example',
        REQUESTS_CA_BUNDLE: '/etc/ca.pem',
      },
    });
    const out = session.merge_environment_settings('http://a.example/', {}, null, null, null);
    expect(out).toEqual({
      verify: '/etc/ca.pem',
      proxies: { http: 'http://proxy:3128' },
      stream: false,
      cert: null,
    });
    const bypass = session.merge_environment_settings(
      'http://api.internal.example/',
      {},
      null,
      false,
      null
    );
    expect(bypass.proxies).toEqual({});
    expect(bypass.verify).toBe(false);
    session.trust_env = false;
    expect(
      session.merge_environment_settings('http://a.example/', {}, true, null, null).proxies
    ).toEqual({});
  });
});

describe('Session.get_adapter', () => {
  it('picks the longest mounted prefix and raises InvalidSchema for unknown schemes', () => {
    const session = new Session({ env: {} });
    const special = new FakeAdapter({});
    session.mount('http://127.0.0.1:8774', special);
    expect([...session.adapters.keys()]).toEqual(['http://127.0.0.1:8774', 'https://', 'http://']);
    expect(session.get_adapter('http://127.0.0.1:8774/v2.1')).toBe(special);
    expect(session.get_adapter('HTTP://other/')).not.toBe(special);
    expect(() => session.get_adapter('ftp://x/')).toThrow(InvalidSchema);
    expect(() => session.get_adapter('ftp://x/')).toThrow(
      "No connection adapters were found for 'ftp://x/'"
    );
  });
});

describe('Session.close', () => {
  it('closes every adapter', async () => {
    const [session, adapter] = sessionWith({});
    await session.close();
    expect(adapter.closed).toBe(true);
  });
});

describe('merge_setting', () => {
  it('lets the request win, keeps non-mappings, and drops None keys', () => {
    expect(merge_setting(null, true)).toBe(true);
    expect(merge_setting(false, true)).toBe(false);
    expect(merge_setting({ a: '1', b: null }, { b: '2', c: '3' })).toEqual({ c: '3', a: '1' });
  });
});
