/**
 * The mock Nova behind another Keystone (`novatrace cloud --keystone URL`): here that Keystone
 * is a second mock cloud's, so the test stays hermetic; the real Keystone is in
 * test/interop/real-keystone.test.ts. Nova's tokens are checked by asking that Keystone
 * (`GET /v3/auth/tokens`, the token in `X-Subject-Token`), never in Nova's own store.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startCloud, type RunningCloud } from '../../../src/cloud/index.js';
import { main } from '../../../src/novaclient/shell.js';

const { credentials, servers, volumes } = FIXTURES;

/** The Keystone (a mock cloud of its own) and the Nova that trusts it. */
let keystone: RunningCloud;
let nova: RunningCloud;
/** Requests the Keystone side saw, as "METHOD path". */
const seen: string[] = [];

beforeAll(async () => {
  keystone = await startCloud({
    spanProcessors: [
      {
        onStart: () => undefined,
        onEnd: (span) => {
          const path = span.attributes['url.path'];
          if (span.kind === 1 && typeof path === 'string') {
            seen.push(`${String(span.attributes['http.request.method'])} ${path}`);
          }
        },
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      },
    ],
  });
  nova = await startCloud({ keystoneUrl: `${keystone.url}/identity/v3` });
});

afterEach(() => {
  seen.length = 0;
  for (const c of [keystone, nova]) {
    c.state.reset();
    c.faults.clear();
  }
});

afterAll(async () => {
  await nova?.close();
  await keystone?.close();
});

async function signIn(): Promise<string> {
  const res = await fetch(`${keystone.authUrlV3}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: credentials.username,
              domain: { name: credentials.domain },
              password: credentials.password,
            },
          },
        },
        scope: {
          project: { name: credentials.projectName, domain: { name: credentials.domain } },
        },
      },
    }),
  });
  expect(res.status).toBe(201);
  return res.headers.get('x-subject-token')!;
}

describe('Nova behind a remote Keystone', () => {
  it('accepts a token that Keystone validates, asking once for a few requests', async () => {
    const token = await signIn();
    seen.length = 0;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${nova.computeUrl}/servers/${servers.vm1.id}`, {
        headers: { 'X-Auth-Token': token },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { server: { id: string } }).server.id).toBe(servers.vm1.id);
    }
    // One validation (the answer is cached), with the catalog left out as Nova needs none.
    expect(seen).toEqual(['GET /identity/v3/auth/tokens']);
  });

  it("refuses a token Keystone does not know, with keystonemiddleware's 401", async () => {
    const res = await fetch(`${nova.computeUrl}/servers/${servers.vm1.id}`, {
      headers: { 'X-Auth-Token': 'gAAAAABnot-a-token' },
    });
    expect(res.status).toBe(401);
    expect(seen).toEqual(['GET /identity/v3/auth/tokens']);
  });

  it("refuses a token of Nova's own mock Keystone: only the remote one counts", async () => {
    const res = await fetch(`${nova.authUrlV3}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: credentials.username,
                domain: { name: credentials.domain },
                password: credentials.password,
              },
            },
          },
          scope: {
            project: { name: credentials.projectName, domain: { name: credentials.domain } },
          },
        },
      }),
    });
    const own = res.headers.get('x-subject-token')!;
    const get = await fetch(`${nova.computeUrl}/servers/${servers.vm1.id}`, {
      headers: { 'X-Auth-Token': own },
    });
    expect(get.status).toBe(401);
  });

  it('runs the ported volume-update: signed in at Keystone, the swap done in this Nova', async () => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } };
    const code = await main(
      [
        '--bypass-url',
        nova.computeUrl,
        'volume-update',
        servers.vm1.id,
        volumes.attached.id,
        volumes.spare.id,
      ],
      {
        OS_AUTH_URL: keystone.authUrlV3,
        OS_USERNAME: credentials.username,
        OS_PASSWORD: credentials.password,
        OS_PROJECT_NAME: credentials.projectName,
        OS_USER_DOMAIN_NAME: credentials.domain,
        OS_PROJECT_DOMAIN_NAME: credentials.domain,
      },
      io
    );
    expect([code, stderr]).toEqual([0, '']);
    expect(seen).toEqual(['POST /identity/v3/auth/tokens', 'GET /identity/v3/auth/tokens']);
    const attached = (c: RunningCloud) =>
      c.state.listAttachments(servers.vm1.id).map((a) => a.volumeId);
    expect(attached(nova)).toContain(volumes.spare.id);
    expect(attached(keystone)).not.toContain(volumes.spare.id);
  });

  it('answers 503 when Keystone cannot be reached, as keystonemiddleware does', async () => {
    const gone = await startCloud();
    const url = gone.url;
    await gone.close();
    const orphan = await startCloud({ keystoneUrl: url });
    try {
      const res = await fetch(`${orphan.computeUrl}/servers/${servers.vm1.id}`, {
        headers: { 'X-Auth-Token': 'any' },
      });
      expect(res.status).toBe(503);
    } finally {
      await orphan.close();
    }
  });
});
