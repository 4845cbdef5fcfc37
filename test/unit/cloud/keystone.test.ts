// Keystone routes through app.request(): discovery, v3 and v2.0 token requests.
import { describe, expect, it } from 'vitest';
import { createCloudApp } from '../../../src/cloud/app.js';
import { FIXTURES } from '../../../src/cloud/fixtures.js';
import { v3PasswordBody } from '../../helpers/start-cloud.js';

const C = FIXTURES.credentials;

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
    expect(((await res.json()) as { token: { methods: string[] } }).token.methods).toEqual([
      'token',
    ]);
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
        'Keystone uri="http://127.0.0.1:9/identity"'
      );
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
