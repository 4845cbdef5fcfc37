/**
 * The ported `nova volume-update` over real loopback HTTP against the mock cloud: our
 * novaclient → requests → urllib3 → undici → the Hono Keystone + Nova.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startCloud, type RunningCloud } from '../../../src/cloud/index.js';
import { APIVersion } from '../../../src/novaclient/api_versions.js';
import { HTTPClient } from '../../../src/novaclient/client.js';
import { Client } from '../../../src/novaclient/v2/client.js';
import { main } from '../../../src/novaclient/shell.js';
import { do_volume_update } from '../../../src/novaclient/v2/shell.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';

const tracing = useMemoryTracing();
const { credentials, servers, volumes } = FIXTURES;

let cloud: RunningCloud;

beforeAll(async () => {
  cloud = await startCloud();
});

afterEach(() => {
  cloud.faults.clear();
  cloud.state.reset();
});

afterAll(async () => {
  await cloud.close();
});

function envFor(authUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OS_AUTH_URL: authUrl,
    OS_USERNAME: credentials.username,
    OS_PASSWORD: credentials.password,
    OS_PROJECT_NAME: credentials.projectName,
    ...extra,
  };
}

// These cases walk the note's road (HTTPClient); the nova road has its scenario table.
async function run(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    env,
    {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    },
    { road: 'note' }
  );
  return { code, stdout, stderr };
}

async function eventKeys(name: string): Promise<string[]> {
  const spans = await tracing.spans();
  return spans
    .filter((s) => s.name === name)
    .flatMap((s) => s.events.map((e) => String(e.attributes?.['novatrace.event'] ?? e.name)));
}

// volume-update against the mock cloud
describe('main', () => {
  it('swaps the volume of a server given by id (Keystone v3)', async () => {
    const r = await run(
      ['volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV3)
    );
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(cloud.state.getAttachment(servers.vm1.id, volumes.spare.id)).toBeDefined();
    expect(cloud.state.getAttachment(servers.vm1.id, volumes.attached.id)).toBeUndefined();
    const spans = await tracing.spans();
    const put = spans.find(
      (s) => s.name === 'HTTPClient.request' && s.attributes['http.request.method'] === 'PUT'
    );
    expect(put?.attributes['http.response.status_code']).toBe(202);
    expect(spans.some((s) => s.name === 'HTTPClient._v3_auth')).toBe(true);
    expect(await eventKeys('Manager._update')).toEqual(['empty body: StrWithMeta']);
    // the real stack underneath: requests' Session.request and the CLIENT wire span
    const wire = spans.find((s) => s.name === 'PUT' && s.kind === SpanKind.CLIENT);
    expect(wire?.attributes['http.response.status_code']).toBe(202);
    expect(wire?.parentSpanContext?.traceId).toBe(put?.spanContext().traceId);
    expect(spans.some((s) => s.name === 'Session.request')).toBe(true);
  });

  it('finds the server by name, dropping vm-10 that the regex also matched', async () => {
    const r = await run(
      ['volume-update', 'vm-1', volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV3)
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const spans = await tracing.spans();
    const findall = spans.find((s) => s.name === 'ManagerWithFind.findall');
    expect(
      findall?.events.find(
        (e) => e.attributes?.['novatrace.event'] === 'findall: exact name filter'
      )?.name
    ).toBe("findall: 2 listed, 1 equal to {'name': 'vm-1'}");
  });

  it('authenticates with Keystone v2.0 when the auth URL says v2.0', async () => {
    const r = await run(
      ['volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV2)
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const spans = await tracing.spans();
    expect(spans.some((s) => s.name === 'HTTPClient._v2_auth')).toBe(true);
    expect(spans.some((s) => s.name === 'HTTPClient._v3_auth')).toBe(false);
  });

  it('re-authenticates once after an expired token and succeeds', async () => {
    cloud.faults.set({ fault: 'token-expired', count: 1 });
    const r = await run(
      ['volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV2)
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await eventKeys('HTTPClient._cs_request')).toContain('401: re-authenticate and retry');
    const spans = await tracing.spans();
    const v2 = spans.filter((s) => s.name === 'HTTPClient._v2_auth');
    expect(v2).toHaveLength(2);
    // the second token request is scoped by the tenant id learned from the first
    expect(v2[1]?.events[0]?.name).toContain(`tenantId ${credentials.projectId}`);
    // the retried GET's wire span says it is a resend
    const gets = spans.filter((s) => s.name === 'GET' && s.kind === SpanKind.CLIENT);
    expect(gets.map((s) => s.attributes['http.request.resend_count'] ?? 0)).toEqual([0, 1]);
  });

  it('gives up with the first Unauthorized when every token is refused', async () => {
    cloud.faults.set({ fault: 'token-expired', count: 'all' });
    const r = await run(
      ['volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV3)
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ERROR \(Unauthorized\): The request you have made requires authentication\. \(HTTP 401\)/
    );
    expect(await eventKeys('HTTPClient._cs_request')).toContain(
      'retry also 401: raise the first error'
    );
  });

  it('prints the CommandError for an ambiguous name', async () => {
    const r = await run(
      ['volume-update', 'dup', volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV3)
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "ERROR (CommandError): Multiple server matches found for 'dup', use an ID to be more specific.\n"
    );
  });

  it('prints the CommandError for an unknown server id', async () => {
    const unknown = '00000000-1111-4222-8333-444444444444';
    const r = await run(
      ['volume-update', unknown, volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV3)
    );
    expect(r.stderr).toBe(
      `ERROR (CommandError): No server with a name or ID of '${unknown}' exists.\n`
    );
  });

  it('prints Nova error bodies as ERROR (<Class>) with the request id', async () => {
    const r = await run(
      ['volume-update', servers.locked.id, volumes.lockedData.id, volumes.spare.id],
      envFor(cloud.authUrlV3)
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ERROR \(Conflict\): .+ \(HTTP 409\) \(Request-ID: req-[0-9a-f-]+\)\n$/
    );
  });

  it('raises ConnectionRefused for the legacy 400 body', async () => {
    cloud.faults.set({
      fault: 'legacy-400-connection-refused',
      path: '/v2.1/servers/*/os-volume_attachments/*',
    });
    const r = await run(
      ['volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV3)
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ERROR \(ConnectionRefused\): ConnectionRefused: '.*Connection refused/
    );
  });

  it('sends delete_on_termination and both microversion headers at 2.85', async () => {
    const r = await run(
      [
        '--os-compute-api-version',
        '2.85',
        'volume-update',
        '--delete-on-termination',
        servers.vm1.id,
        volumes.attached.id,
        volumes.attached.id,
      ],
      envFor(cloud.authUrlV3)
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(
      cloud.state.getAttachment(servers.vm1.id, volumes.attached.id)?.deleteOnTermination
    ).toBe(true);
  });

  it('resolves 2.latest with one discovery GET', async () => {
    const r = await run(
      [
        '--os-compute-api-version',
        '2.latest',
        'volume-update',
        servers.vm1.id,
        volumes.attached.id,
        volumes.spare.id,
      ],
      envFor(cloud.authUrlV3)
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const root = (await tracing.spans()).find((s) => s.name === 'nova volume-update');
    expect(
      root?.events.find((e) => e.attributes?.['novatrace.event'] === 'microversion discovered')
        ?.name
    ).toBe('2.latest -> 2.92');
  });

  it('with a bypass URL sends the first call without a token, then authenticates on the 401', async () => {
    // Seed behaviour: HTTPClient starts with management_url = bypass_url, so _cs_request does
    // not authenticate first; the 401 path gets the token (and keeps the bypass URL).
    const r = await run(
      [
        '--os-endpoint-override',
        cloud.computeUrl,
        'volume-update',
        servers.vm1.id,
        volumes.attached.id,
        volumes.spare.id,
      ],
      envFor(cloud.authUrlV3)
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const keys = await eventKeys('HTTPClient._cs_request');
    expect(keys).not.toContain('no management_url: authenticate');
    expect(keys.filter((k) => k === '401: re-authenticate and retry')).toHaveLength(1);
  });

  it('keeps the password and token out of the --debug output and every span', async () => {
    const r = await run(
      ['--debug', 'volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV2)
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('"password": "{SHA1}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"');
    const spans = await tracing.spans();
    const token = spans
      .flatMap((s) => s.events)
      .find((e) => e.attributes?.['novatrace.event'] === 'REQ' && e.name.includes('X-Auth-Token'));
    expect(token?.name).toMatch(/X-Auth-Token: \{SHA1\}[0-9a-f]{40}/);
    const text = JSON.stringify(spans.map((s) => ({ a: s.attributes, e: s.events }))) + r.stderr;
    expect(text).not.toContain('"secret"');
    expect(text).not.toMatch(/"password": "secret"/);
  });
});

// A seed-era /v2.0 auth URL against a v3-only Keystone (measured with the real 3.3.0 code).
describe('a /v2.0 auth URL against a v3-only Keystone', () => {
  afterEach(() => {
    cloud.keystone.versions = ['v2.0', 'v3'];
  });

  it('the shell ends with the sign-in 404 (3.3.0 shell: authenticate() before the command)', async () => {
    cloud.keystone.versions = ['v3'];
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } };
    const code = await main(
      ['volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
      envFor(cloud.authUrlV2),
      io,
      { road: 'note' }
    );
    expect([code, stderr]).toEqual([1, 'ERROR (NotFound): Not found (HTTP 404)\n']);
    const posts = (await tracing.spans()).filter((s) => s.kind === SpanKind.CLIENT);
    expect(posts.map((s) => s.attributes['url.full'])).toEqual([`${cloud.authUrlV2}/tokens`]);
  });

  it('the library takes the 404 for a miss, as 3.3.0 did: three sign-ins, then CommandError', async () => {
    cloud.keystone.versions = ['v3'];
    const cs = new Client({
      user: credentials.username,
      password: credentials.password,
      projectid: credentials.projectName,
      auth_url: cloud.authUrlV2,
    });
    try {
      await expect(
        do_volume_update(cs, {
          server: servers.vm1.id,
          attachment_id: volumes.attached.id,
          new_volume: volumes.spare.id,
          delete_on_termination: null,
        })
      ).rejects.toThrow(`No server with a name or ID of '${servers.vm1.id}' exists.`);
    } finally {
      await cs.client.close();
    }
    const posts = (await tracing.spans()).filter((s) => s.kind === SpanKind.CLIENT);
    expect(posts.map((s) => s.attributes['url.full'])).toEqual(
      Array(3).fill(`${cloud.authUrlV2}/tokens`)
    );
  });
});

// ShellOptions.cs: runs sharing one client
describe('main', () => {
  it('reuses the token and the pooled session across two runs', async () => {
    const cs = new Client({
      user: credentials.username,
      password: credentials.password,
      projectid: credentials.projectName,
      auth_url: cloud.authUrlV3,
      connection_pool: true,
    });
    const env = envFor(cloud.authUrlV3);
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    try {
      expect(
        await main(
          ['volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
          env,
          io,
          { cs }
        )
      ).toBe(0);
      expect(
        await main(
          ['volume-update', servers.vm1.id, volumes.spare.id, volumes.attached.id],
          env,
          io,
          { cs }
        )
      ).toBe(0);
    } finally {
      await cs.client.close();
    }
    const spans = await tracing.spans();
    expect(spans.filter((s) => s.name === 'HTTPClient.authenticate')).toHaveLength(1);
    expect(
      (await eventKeys('HTTPClient._get_session')).filter((k) => k === 'New session created')
    ).toHaveLength(1);
    expect(cloud.state.getAttachment(servers.vm1.id, volumes.attached.id)).toBeDefined();
  });
});

describe('HTTPClient._get_session', () => {
  it('creates one session per service URL with connection_pool and reuses it', async () => {
    const client = new HTTPClient({
      user: credentials.username,
      password: credentials.password,
      projectid: credentials.projectName,
      auth_url: cloud.authUrlV3,
      api_version: new APIVersion('2.1'),
      connection_pool: true,
    });
    try {
      await client.get(`/servers/${servers.vm1.id}`);
      await client.get(`/servers/${servers.vm10.id}`);
    } finally {
      await client.close();
    }
    const keys = await eventKeys('HTTPClient._get_session');
    // Keystone and Nova share host:port here: one session for all three requests.
    expect(keys).toEqual(['New session created', 'session reused', 'session reused']);
  });

  it('makes a throw-away session per request without a pool', async () => {
    const client = new HTTPClient({
      user: credentials.username,
      password: credentials.password,
      projectid: credentials.projectName,
      auth_url: cloud.authUrlV3,
    });
    await client.get(`/servers/${servers.vm1.id}`);
    expect(await eventKeys('HTTPClient._get_session')).toEqual([
      'no session: throw-away Session',
      'no session: throw-away Session',
    ]);
  });
});
