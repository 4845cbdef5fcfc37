/**
 * @module
 * The what-if scenarios. Each one drives the real ported code, against a fresh mock cloud,
 * down a different branch of the seed's source: cold start, pooled reuse, lookup by name,
 * re-authentication, dropped connections, pool exhaustion, transport and API errors,
 * redirects, chunked upload, a bad timeout. Faults are switched on the cloud, never faked in the
 * client.
 */
import type { RunningCloud } from '../cloud/index.js';
import { FIXTURES } from '../cloud/fixtures.js';
import type { ShellOptions } from '../novaclient/shell.js';
import type { HTTPClientOptions } from '../novaclient/client.js';
import type { Client } from '../novaclient/v2/client.js';
import type { Road, ScenarioInfo } from './types.js';

// `novatrace scenarios` reads this list and must not load the HTTP stack for it: the bodies
// that drive requests or urllib3 directly load them when they run.
const loadSession = async () => (await import('../requests/index.js')).Session;
const loadPool = async () => (await import('../urllib3/connectionpool.js')).HTTPConnectionPool;

const { servers, volumes, credentials } = FIXTURES;

/** A well-formed volume id the cloud does not know. */
const UNKNOWN_VOLUME = '00000000-1111-4222-8333-444444444444';

/** What a scenario's body can use. */
export interface ScenarioContext {
  readonly cloud: RunningCloud;
  /** The road of this run (ctx.shell takes it). */
  readonly road: Road;
  /** `OS_*` variables for this cloud (Keystone v3 unless a scenario says otherwise). */
  readonly env: NodeJS.ProcessEnv;
  /** Runs the ported `nova` shell in-process; its exit code and stderr become the result. */
  shell(argv: string[], opts?: { env?: NodeJS.ProcessEnv; shell?: ShellOptions }): Promise<number>;
  /** A library-style client (`novaclient.client.Client`) for this cloud. */
  client(opts?: Partial<HTTPClientOptions>): Client;
  /** Runs `fn`; a thrown error ends the run as the shell would print it (exit 1). */
  expectError(fn: () => Promise<unknown>): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface Scenario extends ScenarioInfo {
  run(ctx: ScenarioContext): Promise<void>;
  /** The nova road's run when it differs from `run` (two invocations instead of one client). */
  runNova?(ctx: ScenarioContext): Promise<void>;
}

/** Two `nova` invocations, each its own process on the nova road: fresh session, pool, token. */
async function twoInvocations(ctx: ScenarioContext, pauseMs = 0): Promise<void> {
  await ctx.shell(vm1Update);
  if (pauseMs > 0) await ctx.sleep(pauseMs);
  await ctx.shell(vm1Back);
}

/**
 * The nova road of a scenario: its exit, what differs there (en, ja), and whether the fault the
 * scenario is about is never met on that road (the command runs, but not into the fault).
 */
const SAME = (expectedExit: 0 | 1, note = '', noteJa = '', faultNotOnThisRoad = false) => ({
  expectedExit,
  note,
  noteJa,
  ...(faultNotOnThisRoad ? { faultNotOnThisRoad } : {}),
});
const LIBRARY_ONLY = null;

/** `volume-update SERVER ATTACHED NEW` argv. */
function volumeUpdate(server: string, attached: string, replacement: string): string[] {
  return ['volume-update', server, attached, replacement];
}

const vm1Update = volumeUpdate(servers.vm1.id, volumes.attached.id, volumes.spare.id);
const vm1Back = volumeUpdate(servers.vm1.id, volumes.spare.id, volumes.attached.id);

export const SCENARIO_LIST: readonly Scenario[] = [
  {
    name: 'happy',
    summary:
      'Cold start: no token yet, so _cs_request authenticates first; every request opens a new connection (no session: the HTTPClient road of the seed note; the nova road keeps 1).',
    summaryJa:
      'コールドスタート: トークンがまだ無いので _cs_request がまず認証し、リクエストごとに新しい接続を開きます(セッション無し: seed ノートの HTTPClient の道。nova の道は接続 1 本)。',
    expectedExit: 0,
    nova: SAME(
      0,
      'GET /identity/v3, POST auth/tokens, GET /v2.1 (version document), GET server, PUT: 5 requests on 1 connection.',
      'GET /identity/v3、POST auth/tokens、GET /v2.1(バージョン文書)、サーバーの GET、PUT:接続 1 本でリクエスト 5 回。'
    ),
    run: async (ctx) => {
      await ctx.shell(vm1Update);
    },
  },
  {
    name: 'warm-pool',
    summary:
      'Two updates in one process with connection_pool=True: the second skips authenticate and _get_conn reuses the pooled connection (pool hit).',
    summaryJa:
      'connection_pool=True の 1 つのプロセスで 2 回更新: 2 回目は authenticate を飛ばし、_get_conn がプールの接続を再利用します(pool hit)。',
    expectedExit: 0,
    nova: SAME(
      0,
      'Two nova commands: each starts cold (new session, new pool, new token), so 10 requests on 2 connections. Nothing is warm across processes.',
      'nova コマンドを 2 回:毎回冷えた状態から始まる(新しいセッション、プール、トークン)ので、接続 2 本でリクエスト 10 回。プロセスをまたいで温まるものはありません。'
    ),
    runNova: (ctx) => twoInvocations(ctx),
    run: async (ctx) => {
      const cs = ctx.client({ connection_pool: true });
      await ctx.shell(vm1Update, { shell: { cs } });
      await ctx.shell(vm1Back, { shell: { cs } });
    },
  },
  {
    name: 'server-by-name',
    summary:
      "The server is given by name: find_resource lists servers?name=vm-1 (Nova's regex also matches vm-10), keeps the exact match, then GETs it.",
    summaryJa:
      'サーバーを名前で指定: find_resource が servers?name=vm-1 を一覧し(Nova の正規表現は vm-10 にも一致)、完全一致だけを残して GET します。',
    expectedExit: 0,
    nova: SAME(0),
    run: async (ctx) => {
      await ctx.shell(volumeUpdate(servers.vm1.name, volumes.attached.id, volumes.spare.id));
    },
  },
  {
    name: 'server-not-found',
    summary:
      'No server has that name or id: find_resource tries name, human_id and integer id, then raises CommandError (exit 1).',
    summaryJa:
      'その名前・ID のサーバーは無い: find_resource は名前、human_id、整数 ID と順に試し、CommandError を出します(終了コード 1)。',
    expectedExit: 1,
    nova: SAME(1),
    run: async (ctx) => {
      await ctx.shell(volumeUpdate('no-such-vm', volumes.attached.id, volumes.spare.id));
    },
  },
  {
    name: 'ambiguous-name',
    summary:
      "Two servers are named 'dup': the name lookup finds both and raises CommandError 'Multiple server matches found' (exit 1).",
    summaryJa:
      "'dup' という名前のサーバーが 2 台: 名前検索で両方が見つかり、CommandError 'Multiple server matches found' になります(終了コード 1)。",
    expectedExit: 1,
    nova: SAME(1),
    run: async (ctx) => {
      await ctx.shell(volumeUpdate(servers.dupA.name, volumes.attached.id, volumes.spare.id));
    },
  },
  {
    name: 'token-expired',
    summary:
      'Seed-era Keystone v2.0; Nova rejects the token once (401): _cs_request forgets it, authenticates again (now by tenantId) and retries, which succeeds.',
    summaryJa:
      'seed 時代の Keystone v2.0。Nova がトークンを一度だけ拒否(401): _cs_request はトークンを捨てて再認証し(今度は tenantId で)、同じリクエストを再送して成功します。',
    expectedExit: 0,
    nova: SAME(
      0,
      'keystoneauth1 handles the 401 in Session.request: invalidate, POST tokens again, resend. The v2.0 catalog URL carries the project id, so the version document answers 404 (WebOb text) and novaclient tries /v2.1/.',
      'keystoneauth1 が Session.request で 401 を処理します:トークンを捨て、tokens に再び POST し、送り直します。v2.0 のカタログ URL にはプロジェクト ID が入っているので、バージョン文書は 404(WebOb のテキスト)を返し、novaclient は /v2.1/ を試します。'
    ),
    runNova: async (ctx) => {
      ctx.cloud.faults.set({ fault: 'token-expired', count: 1 });
      // keystoneauth1 2.3.0 refuses v2.0 with domain options set; a seed-era v2.0 user had none.
      await ctx.shell(vm1Update, {
        env: {
          OS_AUTH_URL: ctx.cloud.authUrlV2,
          OS_USER_DOMAIN_NAME: undefined,
          OS_PROJECT_DOMAIN_NAME: undefined,
        },
      });
    },
    run: async (ctx) => {
      ctx.cloud.faults.set({ fault: 'token-expired', count: 1 });
      await ctx.shell(vm1Update, { env: { OS_AUTH_URL: ctx.cloud.authUrlV2 } });
    },
  },
  {
    name: 'token-rejected',
    summary:
      'Nova rejects every token: the retry after re-authentication is also 401, so _cs_request re-raises the first Unauthorized (exit 1).',
    summaryJa:
      'Nova がすべてのトークンを拒否: 再認証後の再送も 401 なので、_cs_request は最初の Unauthorized を投げ直します(終了コード 1)。',
    expectedExit: 1,
    nova: SAME(1),
    run: async (ctx) => {
      ctx.cloud.faults.set({ fault: 'token-expired', count: 'all' });
      await ctx.shell(vm1Update);
    },
  },
  {
    name: 'dropped-connection',
    summary:
      "The cloud closes the idle keep-alive socket between two updates: _get_conn sees it dropped, logs 'Resetting dropped connection' and reconnects.",
    summaryJa:
      "2 回の更新の間にクラウドがアイドルの keep-alive ソケットを閉じる: _get_conn が切断に気づき 'Resetting dropped connection' を記録して接続し直します。",
    expectedExit: 0,
    nova: SAME(
      0,
      'Two nova commands: the idle close between them is never seen, each process opens its own connection.',
      'nova コマンドを 2 回:間のアイドル切断には出会いません。プロセスごとに自分の接続を開くからです。',
      true
    ),
    runNova: async (ctx) => {
      ctx.cloud.faults.set({ fault: 'close-idle', afterMs: 200 });
      await twoInvocations(ctx, 700);
    },
    run: async (ctx) => {
      const cs = ctx.client({ connection_pool: true });
      ctx.cloud.faults.set({ fault: 'close-idle', afterMs: 200 });
      await ctx.shell(vm1Update, { shell: { cs } });
      await ctx.sleep(700);
      await ctx.shell(vm1Back, { shell: { cs } });
    },
  },
  {
    name: 'pool-exhausted',
    summary:
      'A urllib3 pool of maxsize 1 with block=True: while one request holds the only connection, a second _get_conn waits out pool_timeout and raises EmptyPoolError.',
    summaryJa:
      'maxsize 1、block=True の urllib3 プール: 1 つ目のリクエストが唯一の接続を持っている間、2 つ目の _get_conn は pool_timeout まで待って EmptyPoolError を出します。',
    expectedExit: 1,
    nova: LIBRARY_ONLY,
    run: async (ctx) => {
      ctx.cloud.faults.set({ fault: 'delay', ms: 400, path: '/v2.1/', method: 'GET', count: 1 });
      const HTTPConnectionPool = await loadPool();
      const pool = new HTTPConnectionPool('127.0.0.1', ctx.cloud.port, { maxsize: 1, block: true });
      try {
        const first = pool.urlopen('GET', '/v2.1/', { preload_content: true });
        // awaited below; until then a failure of the first request must not go unhandled
        first.catch(() => undefined);
        await ctx.sleep(50);
        await ctx.expectError(() => pool.urlopen('GET', '/v2.1/', { pool_timeout: 0.1 }));
        await first;
      } finally {
        await pool.close();
      }
    },
  },
  {
    name: 'connection-refused',
    summary:
      'Nothing listens at the auth URL: NewConnectionError becomes MaxRetryError in urlopen, requests ConnectionError in HTTPAdapter.send, and the shell exits 1.',
    summaryJa:
      '認証 URL で誰も待ち受けていない: NewConnectionError が urlopen で MaxRetryError に、HTTPAdapter.send で requests の ConnectionError になり、シェルは 1 で終了します。',
    expectedExit: 1,
    nova: SAME(
      1,
      'Discovery of /identity/v3 fails to connect; the path does not start with /v3, so keystoneauth1 raises DiscoveryFailure.',
      '/identity/v3 のディスカバリーが接続できません。パスが /v3 で始まらないので、keystoneauth1 は DiscoveryFailure を投げます。'
    ),
    run: async (ctx) => {
      const closed = await closedPort();
      await ctx.shell(vm1Update, {
        env: { OS_AUTH_URL: `http://127.0.0.1:${closed}/identity/v3` },
      });
    },
  },
  {
    name: 'keystone-v3-only',
    summary:
      "A seed-era /v2.0 auth URL against a v3-only Keystone (every Keystone since Queens): POST /v2.0/tokens gets 404, and the sign-in error NotFound ends the run (exit 1), as in 3.3.0's shell, which signs in before the command: not a server lookup error.",
    summaryJa:
      'v3 だけの Keystone(Queens 以降のすべて)に seed 時代の /v2.0 認証 URL: POST /v2.0/tokens が 404 になり、サーバー検索のエラーではなくサインインのエラー NotFound で終わります(終了コード 1)。',
    expectedExit: 1,
    nova: SAME(
      1,
      'keystoneauth1 discovers the auth URL first: GET /identity/v2.0 gets 404, and as the path does not start with /v2.0 (the mock serves Keystone under /identity) the plugin gives up: DiscoveryFailure. At a real Keystone root (/v2.0) it falls back to the v2.0 plugin, whose POST /v2.0/tokens gets the 404: NotFound.'
    ),
    runNova: async (ctx) => {
      ctx.cloud.keystone.versions = ['v3'];
      await ctx.shell(vm1Update, {
        env: {
          OS_AUTH_URL: ctx.cloud.authUrlV2,
          OS_USER_DOMAIN_NAME: undefined,
          OS_PROJECT_DOMAIN_NAME: undefined,
        },
      });
    },
    run: async (ctx) => {
      ctx.cloud.keystone.versions = ['v3'];
      await ctx.shell(vm1Update, { env: { OS_AUTH_URL: ctx.cloud.authUrlV2 } });
    },
  },
  {
    name: 'read-timeout',
    summary:
      'The cloud answers the PUT after 1.5 s but --timeout is 0.5: urllib3 raises ReadTimeoutError, requests turns it into ReadTimeout (exit 1).',
    summaryJa:
      'クラウドは PUT に 1.5 秒後に応答、--timeout は 0.5: urllib3 が ReadTimeoutError を出し、requests がそれを ReadTimeout に変えます(終了コード 1)。',
    expectedExit: 1,
    nova: SAME(
      1,
      'keystoneauth1 turns requests ReadTimeout into ConnectTimeout: Request to <url> timed out.',
      'keystoneauth1 は requests の ReadTimeout を ConnectTimeout(Request to <url> timed out)に変えます。'
    ),
    run: async (ctx) => {
      ctx.cloud.faults.set({ fault: 'delay', ms: 1500, method: 'PUT', path: '/v2.1/servers/**' });
      await ctx.shell(['--timeout', '0.5', ...vm1Update]);
    },
  },
  {
    name: 'legacy-400-connection-refused',
    summary:
      "The PUT gets a 400 whose body says 'Connection refused': HTTPClient.request's legacy check raises ConnectionRefused instead of BadRequest.",
    summaryJa:
      "PUT に本文が 'Connection refused' の 400 が返る: HTTPClient.request の古いチェックが BadRequest ではなく ConnectionRefused を出します。",
    expectedExit: 1,
    nova: SAME(
      1,
      'SessionClient has no legacy 400 check: from_response raises BadRequest.',
      'SessionClient には古い 400 の判定が無く、from_response が BadRequest を投げます。'
    ),
    run: async (ctx) => {
      ctx.cloud.faults.set({
        fault: 'legacy-400-connection-refused',
        method: 'PUT',
        path: '/v2.1/servers/**',
      });
      await ctx.shell(vm1Update);
    },
  },
  {
    name: 'api-error',
    summary:
      'Three API errors through exceptions.from_response: 404 (unknown volume), 409 (server locked), 500 (injected): NotFound, Conflict, ClientException.',
    summaryJa:
      'exceptions.from_response を通る 3 つの API エラー: 404(未知のボリューム)、409(ロック中のサーバー)、500(注入): NotFound、Conflict、ClientException。',
    expectedExit: 1,
    nova: SAME(1),
    run: async (ctx) => {
      await ctx.shell(volumeUpdate(servers.vm1.id, UNKNOWN_VOLUME, volumes.spare.id));
      await ctx.shell(volumeUpdate(servers.locked.id, volumes.lockedData.id, volumes.spare.id));
      ctx.cloud.faults.set({
        fault: 'status',
        status: 500,
        method: 'PUT',
        path: '/v2.1/servers/**',
      });
      await ctx.shell(vm1Update);
    },
  },
  {
    name: 'redirect',
    summary:
      'A bypass URL on the old compute path (the first GET goes tokenless, gets 401, authenticates): 301 (GET) and 308 (PUT) are followed, and the second update finds the GET in the redirect cache.',
    summaryJa:
      '古い compute パスを bypass URL に指定(最初の GET はトークン無しで 401、そこで認証): 301(GET)と 308(PUT)をたどり、2 回目の更新では GET がリダイレクトキャッシュに当たります。',
    expectedExit: 0,
    nova: SAME(
      0,
      'A bypass URL forces HTTPClient, so the nova road has no redirect here: two plain nova commands, as warm-pool.',
      'バイパス URL を付けると HTTPClient になるので、nova の道にはここでのリダイレクトがありません。warm-pool と同じく普通の nova コマンドを 2 回です。',
      true
    ),
    runNova: (ctx) => twoInvocations(ctx),
    run: async (ctx) => {
      const old = `/old/servers/${servers.vm1.id}`;
      const now = `/v2.1/servers/${servers.vm1.id}`;
      const att = (id: string) => `/os-volume_attachments/${id}`;
      ctx.cloud.faults.set({ fault: 'redirect', status: 301, method: 'GET', from: old, to: now });
      for (const id of [volumes.attached.id, volumes.spare.id]) {
        ctx.cloud.faults.set({
          fault: 'redirect',
          status: 308,
          method: 'PUT',
          from: old + att(id),
          to: now + att(id),
        });
      }
      const cs = ctx.client({ connection_pool: true, bypass_url: `${ctx.cloud.url}/old` });
      await ctx.shell(vm1Update, { shell: { cs } });
      await ctx.shell(vm1Back, { shell: { cs } });
    },
  },
  {
    name: 'chunked-upload',
    summary:
      'The PUT body is an iterable of chunks with no Content-Length: HTTPAdapter.send takes the low-level chunked path through _get_conn.',
    summaryJa:
      'PUT の本文が Content-Length 無しのチャンクの列: HTTPAdapter.send は _get_conn を通る低レベルの chunked 経路を通ります。',
    expectedExit: 0,
    nova: LIBRARY_ONLY,
    run: async (ctx) => {
      const cs = ctx.client();
      await cs.authenticate();
      const token = cs.client.auth_token ?? '';
      const body = JSON.stringify({ volumeAttachment: { volumeId: volumes.spare.id } });
      async function* chunks(): AsyncGenerator<string> {
        for (let i = 0; i < body.length; i += 24) yield body.slice(i, i + 24);
      }
      const Session = await loadSession();
      const session = new Session();
      try {
        const resp = await session.request(
          'PUT',
          `${ctx.cloud.computeUrl}/servers/${servers.vm1.id}/os-volume_attachments/${volumes.attached.id}`,
          { data: chunks(), headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' } }
        );
        if (resp.status_code !== 202) throw new Error(`unexpected status ${resp.status_code}`);
      } finally {
        await session.close();
      }
    },
  },
  {
    name: 'bad-timeout',
    summary:
      'A timeout tuple of three values: HTTPAdapter.send cannot unpack it into (connect, read) and raises ValueError before any connection is made.',
    summaryJa:
      '3 つの値のタイムアウトタプル: HTTPAdapter.send は (connect, read) に分解できず、接続を作る前に ValueError を出します。',
    expectedExit: 1,
    nova: LIBRARY_ONLY,
    run: async (ctx) => {
      const Session = await loadSession();
      const session = new Session();
      try {
        await ctx.expectError(() =>
          session.request('GET', `${ctx.cloud.computeUrl}/`, { timeout: [1, 2, 3] })
        );
      } finally {
        await session.close();
      }
    },
  },
];

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The scenario's base `OS_*` environment for a cloud. */
export function cloudEnv(cloud: RunningCloud): NodeJS.ProcessEnv {
  return {
    OS_AUTH_URL: cloud.authUrlV3,
    OS_USERNAME: credentials.username,
    OS_PASSWORD: credentials.password,
    OS_PROJECT_NAME: credentials.projectName,
    OS_USER_DOMAIN_NAME: credentials.domain,
    OS_PROJECT_DOMAIN_NAME: credentials.domain,
  };
}

/** The scenarios, name and one line each, in teaching order. */
export const SCENARIOS: readonly ScenarioInfo[] = SCENARIO_LIST.map(
  ({ name, summary, summaryJa, expectedExit, nova }) => ({
    name,
    summary,
    summaryJa,
    expectedExit,
    nova,
  })
);
