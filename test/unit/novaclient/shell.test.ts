/**
 * The nova shell without sockets: argument and environment handling, usage errors (exit 2),
 * `ERROR (<Class>): <message>` lines (exit 1), and a scripted run through the fake requests.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const wire = vi.hoisted(() => ({
  sent: [] as Array<{ method: string; url: string; kwargs: Record<string, unknown> }>,
  answers: [] as Array<{ status: number; headers?: Record<string, string>; text?: string } | Error>,
}));

vi.mock('../../../src/requests/index.js', () => {
  class ConnectionError extends Error {
    static readonly pythonName = 'requests.exceptions.ConnectionError';
  }
  async function request(method: string, url: string, kwargs: Record<string, unknown> = {}) {
    wire.sent.push({ method, url, kwargs });
    const next = wire.answers.shift();
    if (!next) throw new ConnectionError(`no answer for ${method} ${url}`);
    if (next instanceof Error) throw next;
    const headers = new Map(
      Object.entries(next.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])
    );
    return {
      status_code: next.status,
      headers: {
        get: (n: string) => headers.get(n.toLowerCase()),
        items: () => [...headers.entries()],
      },
      text: next.text ?? '',
    };
  }
  class Session {
    request = request;
    mount() {}
    async close() {}
  }
  class HTTPAdapter {}
  const with_resend_count = <T>(_count: number, fn: () => Promise<T>) => fn();
  return { request, Session, HTTPAdapter, ConnectionError, with_resend_count };
});

const { main } = await import('../../../src/novaclient/shell.js');
const { ConnectionError } = (await import('../../../src/requests/index.js')) as unknown as {
  ConnectionError: new (m: string) => Error;
};
const { useMemoryTracing } = await import('../../helpers/memory-tracing.js');
const { sha1Redact } = await import('../../../src/telemetry/redact.js');

const tracing = useMemoryTracing();

const SERVER = '6b3a7f12-4c5d-4e8f-9a01-23456789abcd';
const ATTACHED = 'a07f71dc-8151-4e7d-a0cc-cd24a3f11113';
const SPARE = '227cc671-f30b-4488-96fd-7d0bf13648d8';
const COMPUTE = 'http://nova.test/v2.1/p1';

const ENV = {
  OS_AUTH_URL: 'http://keystone.test/v2.0',
  OS_USERNAME: 'demo',
  OS_PASSWORD: 'secret',
  OS_PROJECT_NAME: 'demo',
};

function token(id = 'tok') {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    text: JSON.stringify({
      access: {
        token: { id, tenant: { id: 'p1' } },
        serviceCatalog: [
          { type: 'compute', name: 'nova', endpoints: [{ region: 'R', publicURL: COMPUTE }] },
        ],
      },
    }),
  };
}

// These cases walk the note's road (HTTPClient); the session road has its own tests.
async function run(argv: string[], env: Record<string, string> = ENV) {
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

beforeEach(() => {
  wire.sent.length = 0;
  wire.answers.length = 0;
});

describe('main', () => {
  it('runs volume-update: token, GET server, PUT, exit 0 and nothing printed', async () => {
    // upstream: novaclient/tests/unit/v2/test_shell.py ShellTest.test_volume_update
    wire.answers.push(
      token(),
      { status: 200, text: JSON.stringify({ server: { id: SERVER, name: 'vm-1' } }) },
      {
        status: 202,
        headers: { 'x-openstack-request-id': 'req-1' },
      }
    );
    const r = await run(['volume-update', SERVER, ATTACHED, SPARE]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(wire.sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST http://keystone.test/v2.0/tokens',
      `GET ${COMPUTE}/servers/${SERVER}`,
      `PUT ${COMPUTE}/servers/${SERVER}/os-volume_attachments/${ATTACHED}`,
    ]);
    expect(wire.sent[2]?.kwargs['data']).toBe(`{"volumeAttachment": {"volumeId": "${SPARE}"}}`);
    const spans = await tracing.spans();
    const root = spans.find((s) => s.name === 'nova volume-update');
    expect(root?.parentSpanContext).toBeUndefined();
    for (const name of [
      'do_volume_update',
      '_find_server',
      'utils.find_resource',
      'ServerManager.get',
      'Manager._get',
      'VolumeManager.update_server_volume',
      'Manager._update',
      'HTTPClient.put',
      'HTTPClient._cs_request',
      'HTTPClient.authenticate',
      'HTTPClient._v2_auth',
      'HTTPClient._time_request',
      'HTTPClient.request',
      'HTTPClient._get_session',
    ]) {
      const span = spans.find((s) => s.name === name);
      expect(span?.spanContext().traceId, name).toBe(root?.spanContext().traceId);
    }
  });

  it('prints ERROR (NotFound) and exits 1 for a PUT 404', async () => {
    wire.answers.push(
      token(),
      { status: 200, text: JSON.stringify({ server: { id: SERVER } }) },
      {
        status: 404,
        headers: { 'x-compute-request-id': 'req-404' },
        text: JSON.stringify({
          itemNotFound: {
            code: 404,
            message: `No volume Block Device Mapping with id ${ATTACHED}.`,
          },
        }),
      }
    );
    const r = await run(['volume-update', SERVER, ATTACHED, SPARE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `ERROR (NotFound): No volume Block Device Mapping with id ${ATTACHED}. (HTTP 404) (Request-ID: req-404)\n`
    );
    const root = (await tracing.spans()).find((s) => s.name === 'nova volume-update');
    expect(root?.attributes['error.type']).toBe('novaclient.exceptions.NotFound');
  });

  it('prints the short class name of a requests exception', async () => {
    wire.answers.push(
      new ConnectionError("HTTPConnectionPool(host='keystone.test', port=80): Max retries exceeded")
    );
    const r = await run(['volume-update', SERVER, ATTACHED, SPARE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "ERROR (ConnectionError): HTTPConnectionPool(host='keystone.test', port=80): Max retries exceeded\n"
    );
  });

  it('prints the two CommandError messages of find_resource', async () => {
    wire.answers.push(
      token(),
      {
        status: 200,
        text: JSON.stringify({
          servers: [
            { id: 'a', name: 'dup' },
            { id: 'b', name: 'dup' },
          ],
        }),
      },
      {
        status: 200,
        text: JSON.stringify({ server: { id: 'a', name: 'dup' } }),
      },
      { status: 200, text: JSON.stringify({ server: { id: 'b', name: 'dup' } }) }
    );
    const dup = await run(['volume-update', 'dup', ATTACHED, SPARE]);
    expect(dup.stderr).toBe(
      "ERROR (CommandError): Multiple server matches found for 'dup', use an ID to be more specific.\n"
    );
    expect(dup.code).toBe(1);
    wire.answers.push(
      token(),
      { status: 200, text: '{"servers": []}' },
      { status: 200, text: '{"servers": []}' }
    );
    const none = await run(['volume-update', 'no-such-vm', ATTACHED, SPARE]);
    expect(none.stderr).toBe(
      "ERROR (CommandError): No server with a name or ID of 'no-such-vm' exists.\n"
    );
  });

  it('reads --os-* flags before the environment, and the NOVA_* fallbacks', async () => {
    wire.answers.push(
      token(),
      { status: 200, text: JSON.stringify({ server: { id: SERVER } }) },
      { status: 202 }
    );
    const r = await run(
      [
        '--os-auth-url=http://other.test/v2.0',
        '--os-tenant-name',
        'proj2',
        'volume-update',
        SERVER,
        ATTACHED,
        SPARE,
      ],
      {
        NOVA_URL: 'http://ignored.test/v2.0',
        NOVA_USERNAME: 'u2',
        NOVA_PASSWORD: 'pw-2222',
        OS_TENANT_NAME: 'ignored',
      }
    );
    expect(r.code).toBe(0);
    expect(wire.sent[0]?.url).toBe('http://other.test/v2.0/tokens');
    expect(JSON.parse(wire.sent[0]?.kwargs['data'] as string)).toEqual({
      auth: { passwordCredentials: { username: 'u2', password: 'pw-2222' }, tenantName: 'proj2' },
    });
    expect((wire.sent[1]?.kwargs['headers'] as Record<string, string>)['X-Auth-Project-Id']).toBe(
      'proj2'
    );
  });

  it('sends delete_on_termination with --os-compute-api-version 2.85', async () => {
    wire.answers.push(
      token(),
      { status: 200, text: JSON.stringify({ server: { id: SERVER } }) },
      { status: 202 }
    );
    const r = await run([
      '--os-compute-api-version',
      '2.85',
      'volume-update',
      '--no-delete-on-termination',
      SERVER,
      ATTACHED,
      ATTACHED,
    ]);
    expect(r.code).toBe(0);
    expect(wire.sent[2]?.kwargs['data']).toBe(
      `{"volumeAttachment": {"volumeId": "${ATTACHED}", "delete_on_termination": false}}`
    );
    expect(
      (wire.sent[2]?.kwargs['headers'] as Record<string, string>)['OpenStack-API-Version']
    ).toBe('compute 2.85');
  });

  it('prints the debug REQ/RESP lines on stderr with the password and token redacted', async () => {
    wire.answers.push(
      token('gAAAA-secret-token'),
      { status: 200, text: JSON.stringify({ server: { id: SERVER } }) },
      { status: 202 }
    );
    const r = await run(['--debug', 'volume-update', SERVER, ATTACHED, SPARE]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('"password": "{SHA1}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"');
    expect(r.stderr).toContain('X-Auth-Token: {SHA1}');
    expect(r.stderr).not.toContain('gAAAA-secret-token');
    expect(r.stderr).not.toMatch(/"secret"/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('REQ: curl'))).toHaveLength(3);
  });

  it('prints the --timings table on stdout', async () => {
    wire.answers.push(
      token(),
      { status: 200, text: JSON.stringify({ server: { id: SERVER } }) },
      { status: 202 }
    );
    const r = await run(['--timings', 'volume-update', SERVER, ATTACHED, SPARE]);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('| '))
      .map((l) => l.split('|')[1]?.trim());
    expect(rows).toEqual([
      'url',
      'POST http://keystone.test/v2.0/tokens',
      `GET ${COMPUTE}/servers/${SERVER}`,
      `PUT ${COMPUTE}/servers/${SERVER}/os-volume_attachments/${ATTACHED}`,
      'Total',
    ]);
  });
});

describe('OpenStackComputeShell.main', () => {
  it.each([
    [
      { OS_AUTH_URL: 'http://k/v3', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'x' },
      'You must provide a username or user ID via --os-username, --os-user-id, env[OS_USERNAME] or env[OS_USER_ID]',
    ],
    [
      { OS_AUTH_URL: 'http://k/v3', OS_PASSWORD: 'p', OS_USERNAME: 'u' },
      'You must provide a project name or project id via --os-project-name, --os-project-id, env[OS_PROJECT_ID] or env[OS_PROJECT_NAME]. You may use os-project and os-tenant interchangeably.',
    ],
    [
      { OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_ID: 'x' },
      'You must provide an auth url via either --os-auth-url or env[OS_AUTH_URL]',
    ],
    [
      { OS_AUTH_URL: 'http://k/v3', OS_USERNAME: 'u', OS_PROJECT_ID: 'x' },
      'Expecting a password provided via either --os-password, env[OS_PASSWORD], or prompted response',
    ],
  ])(
    'refuses missing credentials with a CommandError (exit 1, no request)',
    async (env, message) => {
      const r = await run(['volume-update', 'a', 'b', 'c'], env);
      expect(r.stderr).toBe(`ERROR (CommandError): ${message}\n`);
      expect(r.code).toBe(1);
      expect(wire.sent).toEqual([]);
    }
  );

  it('refuses a version above the client maximum', async () => {
    const r = await run(['--os-compute-api-version', '2.100', 'volume-update', 'a', 'b', 'c']);
    expect(r.stderr).toBe(
      "ERROR (CommandError): The specified version isn't supported by client. The valid version range is '2.1' to '2.92'\n"
    );
  });

  it('refuses a malformed version with UnsupportedVersion', async () => {
    const r = await run(['--os-compute-api-version', 'two', 'volume-update', 'a', 'b', 'c']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ERROR \(UnsupportedVersion\): Invalid format of client version 'two'/
    );
  });

  it('treats --delete-on-termination below 2.85 as an unrecognized argument (exit 2)', async () => {
    const r = await run(['volume-update', '--delete-on-termination', 'a', 'b', 'c']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^usage: nova \[--version\]/);
    expect(r.stderr).toContain(
      "error: unrecognized arguments: --delete-on-termination\nTry 'nova --help' for more information.\n"
    );
    expect(wire.sent).toEqual([]);
  });

  it('exits 2 with the missing positionals named', async () => {
    const r = await run(['volume-update', 'a']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: the following arguments are required: <attachment>, <volume>\n'
    );
  });

  it('exits 2 for both delete flags together at 2.85', async () => {
    const r = await run([
      '--os-compute-api-version',
      '2.85',
      'volume-update',
      '--delete-on-termination',
      '--no-delete-on-termination',
      'a',
      'b',
      'c',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'usage: nova volume-update [--delete-on-termination | --no-delete-on-termination]\n                          <server> <attachment> <volume>\n'
    );
    expect(r.stderr).toContain(
      'error: argument --no-delete-on-termination: not allowed with argument --delete-on-termination'
    );
  });

  it('exits 2 for an invalid subcommand, a bad timeout and an option without value', async () => {
    expect((await run(['volume-swap'])).code).toBe(2);
    const t = await run(['--timeout', '0', 'volume-update', 'a', 'b', 'c']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('error: argument --timeout: 0 must be greater than 0');
    const v = await run(['volume-update', 'a', 'b', 'c', '--os-auth-url']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('error: argument --os-auth-url: expected one argument');
  });

  it('prints help with exit 0', async () => {
    const r = await run(['volume-update', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^usage: nova volume-update <server> <attachment> <volume>\n\nUpdate volume attachment\./
    );
    const top = await run([]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('volume-update    Update volume attachment.');
  });

  it('never puts the password into the root span', async () => {
    await run(['--os-password', 'hunter22', 'volume-update', 'a']);
    const root = (await tracing.spans()).find((s) => s.name === 'nova volume-update');
    expect(JSON.stringify(root?.attributes)).not.toContain('hunter22');
    expect(root?.attributes['process.command_args']).toEqual([
      '--os-password',
      sha1Redact('hunter22'),
      'volume-update',
      'a',
    ]);
  });
});
