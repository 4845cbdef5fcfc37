// Keystone routes through app.request(): discovery, v3 and v2.0 token requests.
import { describe, expect, it } from 'vitest';
import { createCloudApp } from '../../../src/cloud/app.js';
import { FIXTURES } from '../../../src/cloud/fixtures.js';
import { parseKeystoneVersions } from '../../../src/cloud/keystone.js';
import { v3PasswordBody } from '../../helpers/start-cloud.js';

const C = FIXTURES.credentials;

interface TokenBody {
  methods: string[];
  audit_ids: string[];
  expires_at: string;
  roles?: unknown[];
  catalog?: unknown[];
}

function post(
  app: ReturnType<typeof createCloudApp>['app'],
  path: string,
  body: unknown
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
  );
}

function v3Body(user: Record<string, unknown>, scope?: Record<string, unknown>): unknown {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { ...user, password: C.password } } },
      ...(scope ? { scope: { project: scope } } : {}),
    },
  };
}

describe('Keystone discovery', () => {
  it('answers the unversioned URL with 300 and the versions list', async () => {
    const { app } = createCloudApp();
    const res = await app.request('http://127.0.0.1:5000/identity');
    expect(res.status).toBe(300);
    expect(res.headers.get('location')).toBe('http://127.0.0.1:5000/identity/v3/');
    const body = (await res.json()) as { versions: { values: { id: string; status: string }[] } };
    expect(body.versions.values.map((v) => [v.id, v.status])).toEqual([
      ['v3.14', 'stable'],
      ['v2.0', 'deprecated'],
    ]);
  });

  it('serves the v3 and v2.0 version documents, with or without the trailing slash', async () => {
    const { app } = createCloudApp();
    for (const path of ['/identity/v3', '/identity/v3/']) {
      const res = await app.request(`http://h:1${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        version: {
          id: 'v3.14',
          status: 'stable',
          updated: '2020-04-07T00:00:00Z',
          links: [{ rel: 'self', href: 'http://h:1/identity/v3/' }],
          'media-types': [
            { base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' },
          ],
        },
      });
      expect(res.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
      expect(res.headers.get('x-compute-request-id')).toBeNull();
    }
    const v2 = await app.request('/identity/v2.0');
    expect(((await v2.json()) as { version: { id: string } }).version.id).toBe('v2.0');
  });
});

describe('POST /v3/auth/tokens', () => {
  it('answers 201 with X-Subject-Token and a catalog with identity and compute, three interfaces each', async () => {
    const { app, state } = createCloudApp();
    const res = await post(app, 'http://127.0.0.1:8774/identity/v3/auth/tokens', v3PasswordBody());
    expect(res.status).toBe(201);
    expect(res.headers.get('vary')).toBe('X-Auth-Token');
    const token = res.headers.get('x-subject-token')!;
    expect(state.tokens.validate(token)).toBeDefined();
    const body = (await res.json()) as {
      token: {
        methods: string[];
        project: { id: string; name: string; domain: { id: string } };
        user: { id: string };
        catalog: {
          type: string;
          endpoints: { interface: string; url: string; region_id: string }[];
        }[];
        expires_at: string;
      };
    };
    expect(JSON.stringify(body)).not.toContain(token);
    expect(body.token.methods).toEqual(['password']);
    expect(body.token.project).toMatchObject({
      id: C.projectId,
      name: 'demo',
      domain: { id: 'default' },
    });
    expect(body.token.user.id).toBe(C.userId);
    expect(body.token.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const catalog = Object.fromEntries(
      body.token.catalog.map((s) => [s.type, s.endpoints.map((e) => `${e.interface} ${e.url}`)])
    );
    expect(catalog).toEqual({
      identity: ['public', 'internal', 'admin'].map((i) => `${i} http://127.0.0.1:8774/identity`),
      compute: ['public', 'internal', 'admin'].map((i) => `${i} http://127.0.0.1:8774/v2.1`),
    });
  });

  it('accepts user and project by id and domains by id default', async () => {
    const { app } = createCloudApp();
    const bodies = [
      v3Body({ id: C.userId }, { id: C.projectId }),
      v3Body(
        { name: 'demo', domain: { id: 'default' } },
        { name: 'demo', domain: { id: 'default' } }
      ),
      v3Body({ name: 'demo', domain: { name: 'Default' } }),
    ];
    for (const body of bodies)
      expect((await post(app, '/identity/v3/auth/tokens', body)).status).toBe(201);
  });

  it('re-scopes with the token method', async () => {
    const { app } = createCloudApp();
    const first = await post(app, '/identity/v3/auth/tokens', v3PasswordBody());
    const token = first.headers.get('x-subject-token');
    const res = await post(app, '/identity/v3/auth/tokens', {
      auth: {
        identity: { methods: ['token'], token: { id: token } },
        scope: { project: { id: C.projectId } },
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-subject-token')).not.toBe(token);
    const before = ((await first.json()) as { token: TokenBody }).token;
    const after = ((await res.json()) as { token: TokenBody }).token;
    // As Keystone 22 answers a re-scope: both methods, token first; its own audit id, then
    // the first token's; the first token's expiry.
    expect(after.methods).toEqual(['token', 'password']);
    expect(after.audit_ids).toHaveLength(2);
    expect(after.audit_ids[1]).toBe(before.audit_ids[0]);
    expect(after.audit_ids[0]).not.toBe(before.audit_ids[0]);
    expect(after.expires_at).toBe(before.expires_at);
  });

  it('leaves the catalog out with ?nocatalog', async () => {
    const { app } = createCloudApp();
    const res = await post(app, '/identity/v3/auth/tokens?nocatalog', v3PasswordBody());
    expect(res.status).toBe(201);
    const token = ((await res.json()) as { token: TokenBody }).token;
    expect(Object.keys(token)).not.toContain('catalog');
    expect(token.roles).toBeDefined();
  });

  it("answers wrong credentials with Keystone's 401 body and WWW-Authenticate", async () => {
    const { app } = createCloudApp();
    const wrong = [
      v3PasswordBody('nope'),
      v3Body({ name: 'demo', domain: { name: 'Other' } }),
      v3Body(
        { name: 'demo', domain: { id: 'default' } },
        { name: 'other', domain: { id: 'default' } }
      ),
      { auth: { identity: { methods: ['token'], token: { id: 'gAAAAABnot-a-token' } } } },
    ];
    for (const body of wrong) {
      const res = await post(app, 'http://127.0.0.1:9/identity/v3/auth/tokens', body);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Keystone uri="http://127.0.0.1:9/identity/v3"'
      );
      expect(res.headers.get('vary')).toBe('X-Auth-Token');
      expect(res.headers.get('x-subject-token')).toBeNull();
      expect(await res.json()).toEqual({
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      });
    }
  });

  it('answers a body without identity with 400', async () => {
    const { app } = createCloudApp();
    const res = await post(app, '/identity/v3/auth/tokens', { auth: {} });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^Expecting to find identity in auth/
    );
  });
});

describe('POST /v2.0/tokens', () => {
  it('answers 200 with the token in the body and a serviceCatalog whose compute URL ends in the project id', async () => {
    const { app, state } = createCloudApp();
    const res = await post(app, 'http://127.0.0.1:8774/identity/v2.0/tokens', {
      auth: { passwordCredentials: { username: 'demo', password: 'secret' }, tenantName: 'demo' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-subject-token')).toBeNull();
    const body = (await res.json()) as {
      access: {
        token: { id: string; tenant: { id: string } };
        serviceCatalog: { type: string; endpoints: { publicURL: string; region: string }[] }[];
      };
    };
    expect(state.tokens.validate(body.access.token.id)).toBeDefined();
    expect(body.access.token.tenant.id).toBe(C.projectId);
    const compute = body.access.serviceCatalog.find((s) => s.type === 'compute')!;
    expect(compute.endpoints).toHaveLength(1);
    expect(compute.endpoints[0]!.publicURL).toBe(`http://127.0.0.1:8774/v2.1/${C.projectId}`);
  });

  it('accepts tenantId and the token form, and refuses a wrong password', async () => {
    const { app } = createCloudApp();
    const first = await post(app, '/identity/v2.0/tokens', {
      auth: { passwordCredentials: { username: 'demo', password: 'secret' }, tenantName: 'demo' },
    });
    const id = ((await first.json()) as { access: { token: { id: string } } }).access.token.id;
    const again = await post(app, '/identity/v2.0/tokens', {
      auth: { token: { id }, tenantId: C.projectId },
    });
    expect(again.status).toBe(200);
    const wrong = await post(app, '/identity/v2.0/tokens', {
      auth: { passwordCredentials: { username: 'demo', password: 'nope' }, tenantName: 'demo' },
    });
    expect(wrong.status).toBe(401);
  });
});

describe('GET and HEAD /v3/auth/tokens (token validation)', () => {
  async function issued(app: ReturnType<typeof createCloudApp>['app']): Promise<string> {
    const res = await post(app, '/identity/v3/auth/tokens', v3PasswordBody());
    return res.headers.get('x-subject-token') ?? '';
  }

  it('validates a token for a caller holding a valid token, catalog unless ?nocatalog', async () => {
    const { app } = createCloudApp();
    const token = await issued(app);
    const headers = { 'X-Auth-Token': token, 'X-Subject-Token': token };
    const res = await app.request('/identity/v3/auth/tokens', { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-subject-token')).toBe(token);
    expect(res.headers.get('vary')).toBe('X-Auth-Token');
    const body = ((await res.json()) as { token: TokenBody }).token;
    expect(body.methods).toEqual(['password']);
    expect(body.catalog).toHaveLength(2);
    const bare = await app.request('/identity/v3/auth/tokens?nocatalog', { headers });
    expect(((await bare.json()) as { token: TokenBody }).token.catalog).toBeUndefined();
    const head = await app.request('/identity/v3/auth/tokens', { method: 'HEAD', headers });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers an unknown or missing subject token with 404, an invalid caller with 401', async () => {
    const { app } = createCloudApp();
    const token = await issued(app);
    const unknown = await app.request('/identity/v3/auth/tokens', {
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': 'gAAAAABbogus' },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 404, title: 'Not Found', message: 'Could not recognize Fernet token' },
    });
    const missing = await app.request('/identity/v3/auth/tokens', {
      headers: { 'X-Auth-Token': token },
    });
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
      'No token in the request'
    );
    const caller = await app.request('http://h:1/identity/v3/auth/tokens', {
      headers: { 'X-Subject-Token': token },
    });
    expect(caller.status).toBe(401);
    expect(caller.headers.get('www-authenticate')).toBe('Keystone uri="http://h:1/identity/v3"');
  });
});

describe('keystoneVersions', () => {
  it("['v3'] serves v3 only: no v2.0 in the list, Flask's HTML 404 under /v2.0", async () => {
    const { app } = createCloudApp({ keystoneVersions: ['v3'] });
    const list = await app.request('/identity');
    const body = (await list.json()) as { versions: { values: { id: string }[] } };
    expect(body.versions.values.map((v) => v.id)).toEqual(['v3.14']);
    for (const path of ['/identity/v2.0', '/identity/v2.0/tokens']) {
      const res = await post(app, path, { auth: {} });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('vary')).toBe('X-Auth-Token');
      expect(await res.text()).toContain('<title>404 Not Found</title>');
    }
    expect((await post(app, '/identity/v3/auth/tokens', v3PasswordBody())).status).toBe(201);
  });

  it('parses the --keystone-versions values', () => {
    expect(parseKeystoneVersions('v3')).toEqual(['v3']);
    expect(parseKeystoneVersions('v3,v2.0')).toEqual(['v2.0', 'v3']);
    for (const bad of ['', 'v2.0', 'v3,v3', 'v4']) {
      expect(() => parseKeystoneVersions(bad)).toThrow(/expected v3 or v2.0,v3/);
    }
  });
});
