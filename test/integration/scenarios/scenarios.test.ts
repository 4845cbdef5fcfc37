/**
 * Every scenario, run for real against a fresh mock cloud: each test proves the branch its
 * scenario is about by the shape of the span tree (names, nesting, decision events, the error
 * classes an exception took on its way up) and by the cloud's state afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, startCloud, type RunningCloud } from '../../../src/cloud/index.js';
import { runScenario, SCENARIOS } from '../../../src/scenarios/index.js';
import { startTelemetry, type TelemetrySession } from '../../../src/telemetry/session.js';
import { LAYERS } from '../../../src/telemetry/layers.js';
import { isSubsequence, SpanTree } from '../../helpers/span-tree.js';

const { servers, volumes } = FIXTURES;

let session: TelemetrySession | undefined;
/** Span names seen over all scenarios of this file. */
const seenNames = new Set<string>();

/** Ported layers no scenario of `volume-update` reaches, and why. */
const NOT_ON_THE_FLOW: Record<string, string> = {
  'HTTPClient.post': 'ported for completeness of HTTPClient; volume-update never POSTs to Nova',
};
let cloud: RunningCloud | undefined;

afterEach(async () => {
  await cloud?.close();
  await session?.shutdown();
  cloud = undefined;
  session = undefined;
});

async function run(name: string, road: 'note' | 'nova' = 'note') {
  session = startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } });
  cloud = await startCloud({ spanProcessors: session.cloudSpanProcessors() });
  const result = await runScenario(name, { cloud, road });
  const tree = new SpanTree(session.records().filter((r) => r.traceId === result.traceId));
  // A span whose qualname two upstream classes share carries its table key.
  for (const r of tree.records)
    seenNames.add(String(r.attributes['novatrace.layer_key'] ?? r.name));
  expectConsistentTimes(tree);
  return { result, tree, cloud };
}

/**
 * One clock for the whole trace: every event lies within its span, a child starts no earlier
 * than its parent, and a wire span's socket moments come in the order they happen.
 */
function expectConsistentTimes(tree: SpanTree): void {
  const byId = new Map(tree.records.map((r) => [r.spanId, r]));
  for (const span of tree.records) {
    const start = BigInt(span.startTimeUnixNano);
    const end = BigInt(span.endTimeUnixNano ?? span.startTimeUnixNano);
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    if (parent) expect(start >= BigInt(parent.startTimeUnixNano), span.name).toBe(true);
    for (const e of span.events) {
      const t = BigInt(e.timeUnixNano);
      expect(t >= start && t <= end, `${span.name}: ${e.name}`).toBe(true);
    }
    if (span.kind === 'client') {
      const order = ['connected', 'headers sent', 'body sent', 'response headers'];
      const moments = span.events.filter((e) => order.includes(e.name));
      const names = moments.map((e) => e.name);
      expect(names, span.name).toEqual(order.filter((n) => names.includes(n)));
      const times = moments.map((e) => BigInt(e.timeUnixNano));
      for (let i = 1; i < times.length; i++) expect(times[i]! >= times[i - 1]!).toBe(true);
    }
  }
}

/** The seed note's call path for the PUT, top to bottom. */
const SEED_PATH = [
  'nova volume-update',
  'do_volume_update',
  'VolumeManager.update_server_volume',
  'Manager._update',
  'HTTPClient.put',
  'HTTPClient._cs_request',
  'HTTPClient._time_request',
  'HTTPClient.request',
  'Session.request',
  'Session.send',
  'HTTPAdapter.send',
  'HTTPConnectionPool.urlopen',
  'HTTPConnectionPool._get_conn',
];

function attachedTo(c: RunningCloud, volumeId: string): boolean {
  return c.state.getAttachment(servers.vm1.id, volumeId) !== undefined;
}

/** The wire requests of a run: method and path, and how many sockets carried them. */
function wire(tree: SpanTree): { requests: string[]; connections: number } {
  const clients = tree.records.filter(
    (r) => r.kind === 'client' && r.attributes['network.local.port'] !== undefined
  );
  const requests = clients.map((r) => {
    const u = new URL(String(r.attributes['url.full']));
    return `${String(r.attributes['http.request.method'])} ${u.pathname}`;
  });
  return {
    requests,
    connections: new Set(clients.map((r) => r.attributes['network.local.port'])).size,
  };
}

// The nova road: the real 3.3.0 nova command's counts and outcomes, measured with the seed-era
// oracle (../shared/oracles/seed-era, --road nova).
describe('scenarios on the nova road', () => {
  it('happy: discovery, token, version document, GET, PUT: 5 requests on 1 connection', async () => {
    const { result, tree } = await run('happy', 'nova');
    expect(result.exitCode).toBe(0);
    const { requests, connections } = wire(tree);
    expect(requests).toEqual([
      'GET /identity/v3',
      'POST /identity/v3/auth/tokens',
      'GET /v2.1',
      `GET /v2.1/servers/${FIXTURES.servers.vm1.id}`,
      `PUT /v2.1/servers/${FIXTURES.servers.vm1.id}/os-volume_attachments/${FIXTURES.volumes.attached.id}`,
    ]);
    expect(connections).toBe(1);
    expect(tree.events('session road: keystoneauth1 session')).toHaveLength(1);
  });

  it('warm-pool: two nova commands, each cold: 10 requests on 2 connections', async () => {
    const { result, tree } = await run('warm-pool', 'nova');
    expect(result.exitCode).toBe(0);
    expect(wire(tree)).toMatchObject({ connections: 2 });
    expect(wire(tree).requests).toHaveLength(10);
  });

  it('token-expired: keystoneauth1 resends after the 401; the plain-text 404 sends novaclient to /v2.1/', async () => {
    const { result, tree } = await run('token-expired', 'nova');
    expect(result.exitCode).toBe(0);
    expect(tree.events('401: invalidate the token and resend')).toHaveLength(1);
    expect(tree.events('version document: 404, try the root')).toHaveLength(1);
    expect(wire(tree).connections).toBe(1);
  });

  it('connection-refused: DiscoveryFailure, no request on the wire', async () => {
    const { result } = await run('connection-refused', 'nova');
    expect(result.stderr).toBe(
      'ERROR (DiscoveryFailure): Could not determine a suitable URL for the plugin\n'
    );
  });

  it('keystone-v3-only: GET /identity/v2.0 gets 404 and the plugin gives up (DiscoveryFailure)', async () => {
    // As the real 3.3.0 command against the same cloud: keystoneauth1 2.3.0 falls back to the
    // URL's version only when the path starts with /v2.0 or /v3, and the mock's is /identity/v2.0.
    const { result, tree, cloud } = await run('keystone-v3-only', 'nova');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'ERROR (DiscoveryFailure): Could not determine a suitable URL for the plugin\n'
    );
    expect(wire(tree).requests).toEqual(['GET /identity/v2.0']);
    expect(
      tree.records
        .filter((r) => r.kind === 'server')
        .map((r) => r.attributes['http.response.status_code'])
    ).toEqual([404]);
    expect(cloud.keystone.versions).toEqual(['v2.0', 'v3']);
  });

  it('read-timeout: keystoneauth1 names it ConnectTimeout', async () => {
    const { result } = await run('read-timeout', 'nova');
    expect(result.stderr).toMatch(
      /^ERROR \(ConnectTimeout\): Request to http:\/\/127\.0\.0\.1:\d+\/v2\.1\/servers\/.+ timed out\n$/
    );
  });

  it('legacy-400: SessionClient has no legacy check, so BadRequest', async () => {
    const { result } = await run('legacy-400-connection-refused', 'nova');
    expect(result.stderr).toMatch(/^ERROR \(BadRequest\): /);
  });

  it('token-rejected, api-error, server lookups end as the table says', async () => {
    for (const name of [
      'token-rejected',
      'api-error',
      'server-by-name',
      'server-not-found',
      'ambiguous-name',
      'dropped-connection',
      'redirect',
    ]) {
      const info = SCENARIOS.find((s) => s.name === name);
      const { result } = await run(name, 'nova');
      expect(result.exitCode, name).toBe(info?.nova?.expectedExit);
      await cloud?.close();
      await session?.shutdown();
      cloud = undefined;
      session = undefined;
    }
  });

  it('says which scenarios have no nova road, and refuses to run them', async () => {
    expect(SCENARIOS.filter((s) => !s.nova).map((s) => s.name)).toEqual([
      'pool-exhausted',
      'chunked-upload',
      'bad-timeout',
    ]);
    await expect(runScenario('pool-exhausted', { road: 'nova' })).rejects.toThrow(/no nova road/);
  });
});

describe('scenarios', () => {
  it('lists every scenario with a one-line summary', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual([
      'happy',
      'warm-pool',
      'server-by-name',
      'server-not-found',
      'ambiguous-name',
      'token-expired',
      'token-rejected',
      'dropped-connection',
      'pool-exhausted',
      'connection-refused',
      'keystone-v3-only',
      'read-timeout',
      'legacy-400-connection-refused',
      'api-error',
      'redirect',
      'chunked-upload',
      'bad-timeout',
    ]);
    for (const s of SCENARIOS) {
      expect(s.summary).not.toMatch(/\n/);
      // Japanese readers get the same line: non-empty, one line, in Japanese
      expect(s.summaryJa, s.name).toMatch(/[\u3040-\u30ff]/);
      expect(s.summaryJa).not.toMatch(/\n/);
    }
  });

  it('happy: walks every seed layer, authenticates first, opens a new connection per request', async () => {
    const { result, tree, cloud } = await run('happy');
    expect(result.exitCode).toBe(0);
    const [getConn] = tree.named('HTTPConnectionPool._get_conn', tree.named('Manager._update')[0]);
    expect(getConn).toBeDefined();
    expect(isSubsequence(SEED_PATH, tree.path(getConn!))).toBe(true);
    const adapter = tree.named('HTTPAdapter.send', tree.named('Manager._update')[0])[0]!;
    expect(tree.children(adapter).map((s) => s.name)).toEqual(
      expect.arrayContaining(['HTTPAdapter.get_connection', 'HTTPConnectionPool.urlopen'])
    );
    expect(tree.events('no management_url: authenticate')).toHaveLength(1);
    expect(tree.named('HTTPClient.authenticate')).toHaveLength(1);
    // token POST, GET server, PUT: three throw-away sessions, three new connections
    expect(tree.events('pool miss: new connection')).toHaveLength(3);
    expect(tree.events('pool hit')).toHaveLength(0);
    const wire = tree.records.filter((r) => r.kind === 'client').map((r) => r.name);
    expect(wire).toEqual(['POST', 'GET', 'PUT']);
    // the cloud's SERVER spans continue the same trace under each wire span
    const serverSpans = tree.records.filter((r) => r.kind === 'server');
    expect(serverSpans).toHaveLength(3);
    for (const s of serverSpans) expect(tree.path(s).at(-2)).toMatch(/^(POST|GET|PUT)$/);
    expect(attachedTo(cloud, volumes.spare.id)).toBe(true);
    expect(attachedTo(cloud, volumes.attached.id)).toBe(false);
  });

  it('warm-pool: the second update skips authenticate and reuses the pooled connection', async () => {
    const { result, tree, cloud } = await run('warm-pool');
    expect(result.exitCode).toBe(0);
    const [first, second] = tree.named('nova volume-update');
    expect(tree.named('HTTPClient.authenticate', first)).toHaveLength(1);
    expect(tree.named('HTTPClient.authenticate', second)).toHaveLength(0);
    expect(tree.events('pool miss: new connection')).toHaveLength(1);
    expect(tree.events('pool hit', second).length).toBeGreaterThanOrEqual(2);
    expect(tree.events('New session created')).toHaveLength(1);
    expect(attachedTo(cloud, volumes.attached.id)).toBe(true);
  });

  it('server-by-name: lists by name, filters exactly, then GETs the one match', async () => {
    const { result, tree } = await run('server-by-name');
    expect(result.exitCode).toBe(0);
    expect(tree.events('find_resource: try name')).toHaveLength(1);
    const list = tree.named('ServerManager.list');
    expect(list).toHaveLength(1);
    expect(tree.path(list[0]!)).toEqual(
      expect.arrayContaining([
        'utils.find_resource',
        'ManagerWithFind.find',
        'ManagerWithFind.findall',
      ])
    );
    const gets = tree.records.filter((r) => r.kind === 'client' && r.name === 'GET');
    expect(gets.map((g) => String(g.attributes['url.full']))).toEqual([
      expect.stringContaining('/servers?name=vm-1'),
      expect.stringContaining(`/servers/${servers.vm1.id}`),
    ]);
  });

  it('server-not-found: tries name, human_id and integer id, then CommandError', async () => {
    const { result, tree, cloud } = await run('server-not-found');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      "ERROR (CommandError): No server with a name or ID of 'no-such-vm' exists.\n"
    );
    for (const key of ['find_resource: try name', 'find_resource: try human_id']) {
      expect(tree.events(key)).toHaveLength(1);
    }
    // 'no-such-vm' is not an integer, so the last step is skipped
    expect(tree.events('find_resource: try integer id')).toHaveLength(0);
    expect(tree.named('HTTPClient.put')).toHaveLength(0);
    expect(tree.named('do_volume_update')[0]?.attributes['error.type']).toBe(
      'novaclient.exceptions.CommandError'
    );
    expect(attachedTo(cloud, volumes.attached.id)).toBe(true);
  });

  it('ambiguous-name: both servers named dup are found, CommandError names the ambiguity', async () => {
    const { result, tree } = await run('ambiguous-name');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      "ERROR (CommandError): Multiple server matches found for 'dup', use an ID to be more specific.\n"
    );
    expect(tree.named('ManagerWithFind.find')[0]?.attributes['error.type']).toBe(
      'novaclient.exceptions.NoUniqueMatch'
    );
  });

  it('token-expired: 401, re-authenticate, resend with resend_count 1, success', async () => {
    const { result, tree, cloud } = await run('token-expired');
    expect(result.exitCode).toBe(0);
    expect(tree.events('401: re-authenticate and retry')).toHaveLength(1);
    expect(tree.named('HTTPClient.authenticate')).toHaveLength(2);
    const statuses = tree.records
      .filter((r) => r.kind === 'client')
      .map((r) => `${r.name} ${r.attributes['http.response.status_code']}`);
    // Keystone v2.0 answers 200 with the token in the body
    expect(statuses).toEqual(['POST 200', 'GET 401', 'POST 200', 'GET 200', 'PUT 202']);
    expect(tree.named('HTTPClient._v2_auth')).toHaveLength(2);
    // the second token request names the tenant by the id learned from the first token
    const [firstAuth, secondAuth] = tree.events('keystone v2.0 token');
    expect(firstAuth?.name).toContain('tenantName');
    expect(secondAuth?.name).toContain('tenantId');
    const resent = tree.records.filter((r) => r.attributes['http.request.resend_count'] === 1);
    expect(resent.map((r) => r.name)).toEqual(['GET']);
    expect(attachedTo(cloud, volumes.spare.id)).toBe(true);
  });

  it('token-rejected: the retry is also 401, the first Unauthorized is raised', async () => {
    const { result, tree, cloud } = await run('token-rejected');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^ERROR \(Unauthorized\): The request you have made requires authentication\. \(HTTP 401\) \(Request-ID: req-[0-9a-f-]+\)\n$/
    );
    expect(tree.events('retry also 401: raise the first error')).toHaveLength(1);
    expect(tree.named('HTTPClient._cs_request')[0]?.attributes['error.type']).toBe(
      'novaclient.exceptions.Unauthorized'
    );
    expect(attachedTo(cloud, volumes.attached.id)).toBe(true);
  });

  it('dropped-connection: the idle socket closed by the cloud is reset, then a new connection', async () => {
    const { result, tree } = await run('dropped-connection');
    expect(result.exitCode).toBe(0);
    const [, second] = tree.named('nova volume-update');
    const dropped = tree.events('connection dropped: reset', second);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.name).toMatch(/^Resetting dropped connection: 127\.0\.0\.1/);
    expect(dropped[0]?.span.name).toBe('HTTPConnectionPool._get_conn');
  });

  it('pool-exhausted: the second _get_conn waits out pool_timeout and raises EmptyPoolError', async () => {
    const { result, tree } = await run('pool-exhausted');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^ERROR \(EmptyPoolError\): HTTPConnectionPool\(host='127\.0\.0\.1', port=\d+\): Pool reached maximum size/
    );
    const getConns = tree.named('HTTPConnectionPool._get_conn');
    expect(getConns.map((s) => s.attributes['error.type'] ?? null)).toEqual([
      null,
      'urllib3.exceptions.EmptyPoolError',
    ]);
  });

  it('keystone-v3-only: a /v2.0 auth URL ends with the sign-in 404, not a lookup error', async () => {
    const { result, tree, cloud } = await run('keystone-v3-only');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('ERROR (NotFound): Not found (HTTP 404)\n');
    // One sign-in request, no retries through find_resource, nothing sent to Nova.
    const wire = tree.records.filter((r) => r.kind === 'client');
    expect(wire.map((r) => [r.name, r.attributes['url.full']])).toEqual([
      ['POST', `${cloud.authUrlV2}/tokens`],
    ]);
    expect(tree.events('find_resource: not found, next')).toHaveLength(0);
    // The cloud serves v2.0 again once the run is over.
    expect(cloud.keystone.versions).toEqual(['v2.0', 'v3']);
  });

  it('connection-refused: NewConnectionError → MaxRetryError → ConnectionError, exit 1', async () => {
    const { result, tree } = await run('connection-refused');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^ERROR \(ConnectionError\): HTTPConnectionPool\(host='127\.0\.0\.1', port=\d+\): Max retries exceeded with url: \/identity\/v3\/auth\/tokens \(Caused by NewConnectionError/
    );
    const types = tree.errorTypes().map((e) => `${e.name}: ${e.type}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'POST: urllib3.exceptions.NewConnectionError',
        'HTTPConnectionPool.urlopen: urllib3.exceptions.MaxRetryError',
        'HTTPAdapter.send: requests.exceptions.ConnectionError',
        'HTTPClient.authenticate: requests.exceptions.ConnectionError',
      ])
    );
    expect(tree.records.filter((r) => r.kind === 'server')).toHaveLength(0);
  });

  it('read-timeout: the PUT outlives --timeout, ReadTimeoutError becomes ReadTimeout', async () => {
    const { result, tree, cloud } = await run('read-timeout');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^ERROR \(ReadTimeout\): HTTPConnectionPool\(host='127\.0\.0\.1', port=\d+\): Read timed out\. \(read timeout=0\.5\)\n$/
    );
    const types = tree.errorTypes().map((e) => `${e.name}: ${e.type}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'PUT: urllib3.exceptions.ReadTimeoutError',
        'HTTPAdapter.send: requests.exceptions.ReadTimeout',
      ])
    );
    // the cloud did the swap it was asked for; only the answer came too late
    await new Promise((r) => setTimeout(r, 1500));
    expect(attachedTo(cloud, volumes.spare.id)).toBe(true);
  });

  it('legacy-400-connection-refused: a 400 mentioning Connection refused is ConnectionRefused', async () => {
    const { result, tree } = await run('legacy-400-connection-refused');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^ERROR \(ConnectionRefused\): /);
    expect(tree.events('legacy 400: ConnectionRefused')).toHaveLength(1);
    expect(tree.named('HTTPClient.request').at(-1)?.attributes['error.type']).toBe(
      'novaclient.exceptions.ConnectionRefused'
    );
  });

  it('api-error: three statuses become three novaclient classes through from_response', async () => {
    const { result, tree } = await run('api-error');
    expect(result.exitCode).toBe(1);
    // Nova's 500 message has a line break of its own, so keep only the ERROR lines
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('ERROR'));
    expect(lines.map((l) => /^ERROR \((\w+)\)/.exec(l)?.[1])).toEqual([
      'NotFound',
      'Conflict',
      'ClientException',
    ]);
    expect(lines[0]).toContain('(HTTP 404)');
    expect(lines[1]).toContain('(HTTP 409)');
    expect(result.stderr).toContain('(HTTP 500)');
    expect(tree.events('from_response')).toHaveLength(3);
  });

  it('redirect: 301 and 308 are followed, the second GET comes from the redirect cache', async () => {
    const { result, tree, cloud } = await run('redirect');
    expect(result.exitCode).toBe(0);
    const [first, second] = tree.named('nova volume-update');
    expect(tree.named('Session.resolve_redirects', first).length).toBeGreaterThanOrEqual(2);
    expect(tree.events('redirect cache hit', second).length).toBeGreaterThanOrEqual(1);
    const puts = tree.records.filter((r) => r.kind === 'client' && r.name === 'PUT');
    // each PUT is answered 308 once, then resent to the new URL with its body
    expect(puts.map((p) => p.attributes['http.response.status_code'])).toEqual([
      308, 202, 308, 202,
    ]);
    expect(attachedTo(cloud, volumes.attached.id)).toBe(true);
  });

  it('chunked-upload: an iterable body takes the low-level path through _get_conn', async () => {
    const { result, tree, cloud } = await run('chunked-upload');
    expect(result.exitCode).toBe(0);
    expect(tree.events('chunked: low-level path')).toHaveLength(1);
    const adapter = tree.events('chunked: low-level path')[0]!.span;
    expect(adapter.name).toBe('HTTPAdapter.send');
    expect(tree.children(adapter).map((s) => s.name)).toContain('HTTPConnectionPool._get_conn');
    expect(tree.named('HTTPConnectionPool.urlopen', adapter)).toHaveLength(0);
    expect(attachedTo(cloud, volumes.spare.id)).toBe(true);
  });

  it('bad-timeout: ValueError with the requests text, and nothing reaches the wire', async () => {
    const { result, tree } = await run('bad-timeout');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'ERROR (ValueError): Invalid timeout (1, 2, 3). Pass a (connect, read) timeout tuple, or a single float to set both timeouts to the same value\n'
    );
    expect(tree.records.filter((r) => r.kind === 'client')).toHaveLength(0);
    expect(tree.named('HTTPAdapter.send')[0]?.attributes['error.type']).toBe('ValueError');
  });

  // Runs last: every layer in the table is opened by at least one scenario above.
  it('together, the scenarios open every layer span of the table', () => {
    const missing = Object.keys(LAYERS).filter((n) => !seenNames.has(n) && !(n in NOT_ON_THE_FLOW));
    expect(missing).toEqual([]);
  });

  it('runs again on a shared cloud as on a fresh one: state reset, no fault left over', async () => {
    session = startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } });
    cloud = await startCloud({ spanProcessors: session.cloudSpanProcessors() });
    expect((await runScenario('happy', { cloud })).exitCode).toBe(0);
    expect((await runScenario('token-rejected', { cloud })).exitCode).toBe(1);
    expect(cloud.faults.list()).toEqual([]);
    // the same swap again: it only works if the seed was restored
    const again = await runScenario('happy', { cloud });
    expect(again.stderr).toBe('');
    expect(again.exitCode).toBe(0);
  });
});
