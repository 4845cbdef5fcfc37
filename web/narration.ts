/**
 * @module
 * Narration, in our own words, of every layer span and every decision event, in English and
 * Japanese. Keys are the span names of `LAYERS` and the `novatrace.event` keys of `EVENTS`
 * (src/telemetry/layers.ts); a test walks both tables and fails when an entry here is missing
 * or lacks a language. `EXTRA` covers spans and events outside those tables (the wire span,
 * the cloud's server spans, socket moments, exceptions).
 */

import { EVENT_NARRATION } from './event-narration.js';

export { EVENT_NARRATION };

export type Lang = 'en' | 'ja';

export interface Narration {
  readonly en: string;
  readonly ja: string;
}

/** One line per layer: what it does, and why it is there. */
export const LAYER_NARRATION: Readonly<Record<string, Narration>> = {
  'nova volume-update': {
    en: 'The command line itself. The shell reads the arguments and the OS_* settings, builds the client, and hands over to the volume-update subcommand. Anything raised below comes back here and is printed as “ERROR (Class): message” with exit code 1.',
    ja: 'コマンドライン本体です。シェルが引数と OS_* の設定を読み、クライアントを組み立てて volume-update サブコマンドに処理を渡します。下の層で起きた例外はここまで戻り、「ERROR (クラス名): メッセージ」と表示されて終了コード 1 になります。',
  },
  do_volume_update: {
    en: 'The subcommand. It turns the words you typed into API calls: first it finds the server you named, then it asks the volume manager to swap the attached volume for the new one. It never touches HTTP itself.',
    ja: 'サブコマンドの関数です。入力された言葉を API 呼び出しに変えます。まず指定されたサーバーを探し、次にボリュームマネージャーに、接続中のボリュームを新しいものへ差し替えるよう頼みます。HTTP には直接触れません。',
  },
  _find_server: {
    en: 'A small helper for servers: it calls find_resource and turns “not found” into a clear message for the command line.',
    ja: 'サーバー用の小さな補助関数です。find_resource を呼び、「見つからない」をコマンドライン向けの分かりやすいエラーに変えます。',
  },
  'utils.find_resource': {
    en: 'People type names or ids, so this function tries several ways in turn: the argument as an id (a direct GET), as an integer id, then as a name through a filtered list, then as a human id. Each failed try raises NotFound and the next one starts.',
    ja: '利用者は名前も ID も入力するので、この関数は順番に何通りも試します。まず ID として直接 GET し、整数の ID として、次に一覧の名前フィルターで、最後に human id で探します。試行が NotFound になるたびに次の方法へ進みます。',
  },
  'ManagerWithFind.find': {
    en: 'Finds exactly one resource matching the filters. None is NotFound; more than one (two servers both called “dup”) is NoUniqueMatch, because acting on a guess would be dangerous.',
    ja: '条件に合うリソースをちょうど一つ探します。0 件なら NotFound、複数（「dup」という名前のサーバーが二つなど）なら NoUniqueMatch です。推測で操作するのは危険だからです。',
  },
  'ManagerWithFind.findall': {
    en: 'Lists resources with the name sent to the server as a filter, then keeps only the exact matches on the client side, since the server’s filter may match more loosely.',
    ja: '名前をフィルターとしてサーバーに送って一覧を取り、クライアント側で完全一致するものだけを残します。サーバー側のフィルターはもっと緩く一致することがあるためです。',
  },
  'ServerManager.get': {
    en: 'GET /servers/{id}: fetches one server by its id.',
    ja: 'GET /servers/{id}：ID を指定してサーバーを一つ取得します。',
  },
  'ServerManager.list': {
    en: 'GET /servers/detail with the filters as a query string: lists servers, here to look one up by name.',
    ja: 'フィルターをクエリー文字列にして GET /servers/detail を呼び、サーバーを一覧します。ここでは名前で探すために使われます。',
  },
  'Manager._get': {
    en: 'The generic “get one” of every manager: asks the HTTP client for the URL and wraps the JSON it gets into a resource object.',
    ja: 'すべてのマネージャーに共通の「一つ取得」です。HTTP クライアントに URL を取りに行かせ、返ってきた JSON をリソースオブジェクトに包みます。',
  },
  'Manager._list': {
    en: 'The generic “get a collection”: one GET, then one resource object per item in the answer.',
    ja: '共通の「一覧取得」です。GET を一回行い、応答の項目ごとにリソースオブジェクトを作ります。',
  },
  'VolumeManager.update_server_volume': {
    en: 'The swap itself: builds {"volumeAttachment": {"volumeId": NEW}} and PUTs it to /servers/{server}/os-volume_attachments/{old volume}. Nova then moves the server from the old volume to the new one.',
    ja: '差し替えの本体です。{"volumeAttachment": {"volumeId": 新しいID} } を組み立て、/servers/{サーバー}/os-volume_attachments/{古いボリューム} に PUT します。Nova がサーバーを古いボリュームから新しいボリュームへ付け替えます。',
  },
  'Manager._update': {
    en: 'The generic PUT of every manager: sends the body and wraps the answer, as a resource when a body comes back, or as an empty result that still carries the request id.',
    ja: 'すべてのマネージャーに共通の PUT です。本文を送り、応答を包みます。本文があればリソースに、なければリクエスト ID だけを持つ空の結果にします。',
  },
  'HTTPClient.get': {
    en: 'The verb helper for GET: it only passes the method name on to _cs_request, so managers can speak in verbs.',
    ja: 'GET 用の動詞ヘルパーです。メソッド名を _cs_request に渡すだけで、マネージャーが動詞で話せるようにしています。',
  },
  'HTTPClient.post': {
    en: 'The verb helper for POST: passes the method name on to _cs_request.',
    ja: 'POST 用の動詞ヘルパーです。メソッド名を _cs_request に渡します。',
  },
  'HTTPClient.put': {
    en: 'The verb helper for PUT: passes the method name on to _cs_request.',
    ja: 'PUT 用の動詞ヘルパーです。メソッド名を _cs_request に渡します。',
  },
  'HTTPClient._cs_request': {
    en: 'The compute-service request. It makes sure there is a token and an endpoint (authenticating first when there is none), adds the token and project headers, and sends. If Nova answers 401 because the token expired, it authenticates again and retries once.',
    ja: 'Compute サービスへのリクエストです。トークンとエンドポイントがあることを確かめ（なければ先に認証し）、トークンとプロジェクトのヘッダーを付けて送ります。トークン切れで Nova が 401 を返したら、もう一度認証して一回だけ再送します。',
  },
  'HTTPClient.authenticate': {
    en: 'Talks to Keystone: sends the credentials, receives a token and the service catalog, and picks the compute endpoint from the catalog (the management_url every later call uses).',
    ja: 'Keystone と話します。認証情報を送ってトークンとサービスカタログを受け取り、カタログから Compute のエンドポイント（以後の呼び出しが使う management_url）を選びます。',
  },
  'HTTPClient._v2_auth': {
    en: 'Keystone v2.0 password authentication: POST /tokens with the user, password and tenant. The token comes back inside the JSON body.',
    ja: 'Keystone v2.0 のパスワード認証です。ユーザー、パスワード、テナントを付けて POST /tokens を送ります。トークンは JSON 本文の中に返ってきます。',
  },
  'HTTPClient._v3_auth': {
    en: 'Keystone v3 password authentication (our addition: the 2016 client spoke only v2.0, every cloud today speaks v3): POST /auth/tokens; the token comes back in the X-Subject-Token header.',
    ja: 'Keystone v3 のパスワード認証です（novatrace の追加部分：2016 年のクライアントは v2.0 しか話しませんが、今のクラウドはみな v3 です）。POST /auth/tokens を送り、トークンは X-Subject-Token ヘッダーで返ってきます。',
  },
  'HTTPClient._time_request': {
    en: 'Times the request (what --timings prints) and calls request.',
    ja: 'リクエストにかかった時間を測り（--timings で表示される値）、request を呼びます。',
  },
  'HTTPClient.request': {
    en: 'Builds the headers (User-Agent, Accept, Content-Type), turns the body into JSON, logs the request as a curl line with secrets hashed, sends it through the requests Session, logs the response, and turns an error status into a novaclient exception.',
    ja: 'ヘッダー（User-Agent、Accept、Content-Type）を組み立て、本文を JSON にし、秘密をハッシュにした curl 形式でリクエストをログに出し、requests の Session で送ります。応答もログに出し、エラーのステータスは novaclient の例外に変えます。',
  },
  'HTTPClient._get_session': {
    en: 'Returns the requests Session the client keeps, so that its connection pools, and the open sockets in them, are shared by every call of this client.',
    ja: 'クライアントが保持している requests の Session を返します。これにより、接続プールとその中の開いたソケットを、このクライアントのすべての呼び出しで共有できます。',
  },
  'api.request': {
    en: 'requests’ module-level request(): makes a Session for this one call and closes it afterwards, so nothing (no connection) outlives the call.',
    ja: 'requests のモジュール関数 request() です。この一回の呼び出しのためだけに Session を作り、終わったら閉じます。接続は呼び出しの後に残りません。',
  },
  'Session.request': {
    en: 'Builds a Request, merges in the session’s settings (headers, cookies, auth, proxies from the environment), prepares it into exact bytes-to-be, and sends it.',
    ja: 'Request を作り、セッションの設定（ヘッダー、クッキー、認証、環境変数のプロキシ）を合わせ、送る形に準備（prepare）してから送信します。',
  },
  'Session.send': {
    en: 'Chooses the transport adapter for the URL, sends, records the elapsed time, and follows redirects when allowed.',
    ja: 'URL に合うトランスポートアダプターを選んで送り、経過時間を記録し、許されていればリダイレクトをたどります。',
  },
  'Session.resolve_redirects': {
    en: 'Follows each 3xx answer: rewrites the method where browsers do, drops Authorization when the host changes, and sends again.',
    ja: '3xx の応答を一つずつたどります。ブラウザーと同じ場合にはメソッドを書き換え、ホストが変わるときは Authorization を外して、もう一度送ります。',
  },
  'HTTPAdapter.send': {
    en: 'The bridge from requests to urllib3: gets the pool for the URL, calls urlopen with the timeout and retry policy, and translates urllib3’s errors into requests’ exceptions (the only place that happens).',
    ja: 'requests から urllib3 への橋渡しです。URL 用のプールを取り、タイムアウトと再試行の方針を付けて urlopen を呼び、urllib3 のエラーを requests の例外に翻訳します（翻訳はここだけで行われます）。',
  },
  'HTTPAdapter.get_connection': {
    en: 'Picks the connection pool for the URL through the pool manager (or a proxy manager when a proxy applies).',
    ja: 'プールマネージャーを通して、URL に対応する接続プールを選びます（プロキシがある場合はプロキシ用のマネージャーから）。',
  },
  'HTTPAdapter.build_response': {
    en: 'Wraps urllib3’s response into a requests Response: status, headers, final URL, encoding and cookies.',
    ja: 'urllib3 の応答を requests の Response に包みます。ステータス、ヘッダー、最終 URL、文字コード、クッキーを移します。',
  },
  'PoolManager.connection_from_url': {
    en: 'Finds the pool for this scheme, host and port, or makes one. Pools live in a small most-recently-used container, one per host.',
    ja: 'このスキーム・ホスト・ポート用のプールを探し、なければ作ります。プールはホストごとに一つ、最近使った順に保つ小さな入れ物に入っています。',
  },
  'HTTPConnectionPool.urlopen': {
    en: 'The heart of urllib3: takes a connection from the pool, sends the request, reads the response headers, and retries on connection errors as the Retry policy allows. The connection goes back to the pool once the body is read.',
    ja: 'urllib3 の中心です。プールから接続を取り、リクエストを送り、応答ヘッダーを読み、接続エラーのときは Retry の方針に従って再試行します。本文を読み終えると接続はプールに戻ります。',
  },
  'HTTPConnectionPool._get_conn': {
    en: 'Takes a connection from the pool’s queue (last in, first out, so the most recently used socket is tried first). If a kept connection was dropped by the server while idle, it is reset; if the queue is empty, a new connection is made.',
    ja: 'プールのキューから接続を取り出します（後入れ先出しなので、最後に使ったソケットが先に試されます）。待機中にサーバーに切られていた接続はリセットし、キューが空なら新しい接続を作ります。',
  },
  'HTTPConnectionPool._new_conn': {
    en: 'Creates a new connection object and counts it. The TCP socket itself is opened when the first request is sent on it.',
    ja: '新しい接続オブジェクトを作り、数を数えます。TCP ソケットそのものは、最初のリクエストを送るときに開かれます。',
  },
  'HTTPConnectionPool._make_request': {
    en: 'Sends the request line, headers and body on the connection, then waits for the response headers, with the connect and read timeouts applied.',
    ja: '接続上でリクエスト行、ヘッダー、本文を送り、接続・読み取りのタイムアウトを守りながら応答ヘッダーを待ちます。',
  },
  'HTTPConnectionPool._put_conn': {
    en: 'Returns the connection to the queue so the next request can reuse the open socket. If the queue is already full, the connection is closed instead.',
    ja: '接続をキューに戻し、次のリクエストが開いたソケットを再利用できるようにします。キューがすでに満杯なら、その接続は閉じられます。',
  },
  'api_versions.discover_version': {
    en: "Chooses the compute microversion: it reads the server's range from the version document and picks the highest version both sides support (on the nova road the 3.3.0 client stops at 2.25). The note's road never asks: HTTPClient sends the version it was built with, so it has no GET /v2.1 before the real work.",
    ja: 'コンピュートのマイクロバージョンを決めます。バージョン文書からサーバーの範囲を読み、双方が対応する最も高いものを選びます(nova の道では 3.3.0 のクライアントは 2.25 まで)。ノートの道では尋ねません。HTTPClient は作られたときのバージョンをそのまま送るので、本題の前の GET /v2.1 がありません。',
  },
  'VersionManager.get_current': {
    en: "Reads the compute endpoint's version document. A 404 (a catalog URL with the project id) makes it try the URL one segment up; a 401 means no version is known.",
    ja: 'コンピュートのエンドポイントのバージョン文書を読みます。404(プロジェクト ID 付きのカタログ URL)なら一つ上の URL を試し、401 ならバージョン不明とします。',
  },
  'SessionClient.request': {
    en: "The nova road's client, in the place of the note's HTTPClient._cs_request: it adds the microversion header, times the call, and turns an error status into a novaclient exception. Re-authentication is not its job: the keystoneauth1 session does that. It has no legacy-400 check either, so a 400 stays BadRequest.",
    ja: 'nova の道のクライアントで、ノートの道の HTTPClient._cs_request に当たります。マイクロバージョンのヘッダーを付け、時間を計り、エラーの状態コードを novaclient の例外に変えます。再認証は keystoneauth1 のセッションの仕事です。古い 400 の判定も無いので、400 は BadRequest のままです。',
  },
  'LegacyJsonAdapter.request': {
    en: "Asks for JSON, sends the body as JSON, and hands back the response with its decoded body (none when the answer is not JSON). On the note's road HTTPClient.request does this JSON work itself.",
    ja: 'JSON を求め、本文を JSON で送り、応答とその復号した本文を返します(JSON でなければ本文は無し)。ノートの道では HTTPClient.request がこの JSON の処理を自分で行います。',
  },
  'Adapter.request': {
    en: "keystoneauth1's Adapter: pins the compute service's filter (type, interface, region) and the User-Agent onto every request, so the session can find the endpoint in the catalog. The note's road has no adapter: HTTPClient keeps the endpoint (management_url) itself and builds the full URL.",
    ja: 'keystoneauth1 の Adapter です。コンピュートサービスの条件(種類、インターフェース、リージョン)と User-Agent を毎回のリクエストに付け、セッションがカタログからエンドポイントを探せるようにします。ノートの道にアダプターはありません。HTTPClient が自分でエンドポイント(management_url)を持ち、完全な URL を組み立てます。',
  },
  'Adapter.get_endpoint': {
    en: "Asks the session, and through it the auth plugin, for the compute endpoint. The first time this forces the whole sign-in: identity discovery (GET /v3) and a token. On the note's road the sign-in happens in _cs_request when management_url is empty, with no discovery.",
    ja: 'セッション経由で認証プラグインにコンピュートのエンドポイントを尋ねます。初回はこれでサインイン全体(Identity のディスカバリー GET /v3 とトークン取得)が起きます。ノートの道では management_url が空のとき _cs_request の中でサインインし、ディスカバリーはありません。',
  },
  'keystoneauth1 Session.request': {
    en: "keystoneauth1's Session.request (not requests' one of the same name, which runs below it): it adds the token, finds the endpoint for a relative URL, applies the timeout, and on a 401 throws the token away, gets a new one and sends once more. It holds one requests Session for the whole command, so every request rides one pooled connection; the note's HTTPClient opens a new connection per request.",
    ja: 'keystoneauth1 の Session.request です(下で動く同名の requests の Session.request とは別物)。トークンを付け、相対 URL のエンドポイントを探し、タイムアウトを適用し、401 ならトークンを捨てて取り直し、もう一度送ります。コマンド全体で requests の Session を一つ持つので、すべてのリクエストがプールされた一本の接続を通ります。ノートの HTTPClient はリクエストごとに新しい接続を開きます。',
  },
  'Session._send_request': {
    en: "Sends through requests with redirects off, turns requests' errors into keystoneauth1's, and follows redirects itself. Any timeout becomes ConnectTimeout (“Request to … timed out”), where the note's road lets requests' ReadTimeout through; a refused connection becomes ConnectFailure.",
    ja: 'リダイレクトを切って requests で送り、requests の例外を keystoneauth1 のものに変え、リダイレクトは自分でたどります。どのタイムアウトも ConnectTimeout(「Request to … timed out」)になります。ノートの道では requests の ReadTimeout がそのまま上がります。接続拒否は ConnectFailure になります。',
  },
  'BaseIdentityPlugin.get_token': {
    en: "Returns the token, signing in first when there is none. On the note's road _cs_request checks HTTPClient.auth_token instead.",
    ja: 'トークンを返します。無ければ先にサインインします。ノートの道では代わりに _cs_request が HTTPClient.auth_token を確かめます。',
  },
  'BaseIdentityPlugin.get_access': {
    en: "Keeps the token answer and reuses it until it is about to expire; only then does it ask Keystone again. The note's HTTPClient keeps its token until Nova answers 401, whatever its expiry says.",
    ja: 'トークンの応答を保持し、期限切れ間近になるまで使い回します。そのときだけ Keystone に再び尋ねます。ノートの HTTPClient は有効期限に関係なく、Nova が 401 を返すまでトークンを使い続けます。',
  },
  'BaseIdentityPlugin.get_endpoint': {
    en: "Looks the service up in the token's catalog (the public interface unless told otherwise), for every request. The note's road picks the endpoint once, in HTTPClient.authenticate, and keeps it as management_url.",
    ja: 'リクエストのたびにトークンのカタログでサービスを探します(指定が無ければ public インターフェース)。ノートの道では HTTPClient.authenticate で一度だけエンドポイントを選び、management_url として持ち続けます。',
  },
  'BaseIdentityPlugin.get_discovery': {
    en: "Fetches a version document once and caches it, on the plugin and on the session. Only the nova road discovers: the note's road posts straight to the auth URL's tokens.",
    ja: 'バージョン文書を一度だけ取得し、プラグインとセッションにキャッシュします。ディスカバリーをするのは nova の道だけで、ノートの道は認証 URL の tokens にいきなり POST します。',
  },
  'BaseGenericPlugin.get_auth_ref': {
    en: "The generic password plugin (version-independent): on first use it builds a v2.0 or v3 plugin, then lets that one sign in. On the note's road HTTPClient.authenticate chooses _v2_auth or _v3_auth from the URL alone.",
    ja: 'バージョンに依らない汎用パスワードプラグインです。初回に v2.0 か v3 のプラグインを作り、そのプラグインにサインインさせます。ノートの道では HTTPClient.authenticate が URL だけを見て _v2_auth か _v3_auth を選びます。',
  },
  'BaseGenericPlugin._do_create_plugin': {
    en: "Reads the auth URL's version document (the GET /v3 the note's road never sends) and picks the first identity version that fits the options; if discovery fails it guesses from the URL's path, and with no fit raises DiscoveryFailure (what connection-refused ends in on this road).",
    ja: '認証 URL のバージョン文書を読み(ノートの道では送られない GET /v3)、オプションに合う最初の Identity のバージョンを選びます。ディスカバリーに失敗すれば URL のパスから推測し、合うものが無ければ DiscoveryFailure です(この道の connection-refused はこれで終わります)。',
  },
  'discover.get_version_data': {
    en: "GETs a version document without a token and returns the versions it lists; anything unreadable is DiscoveryFailure. It is the extra request of the nova road's sign-in: the note's road sends no such GET.",
    ja: 'トークン無しでバージョン文書を GET し、載っているバージョンを返します。読めなければ DiscoveryFailure です。nova の道のサインインで増える一回のリクエストがこれで、ノートの道にはこの GET がありません。',
  },
  'v3.Auth.get_auth_ref': {
    en: "keystoneauth1's v3 sign-in (identity/v3/base.py): the password method, one scope (the project by name in its domain), POST auth/tokens; the token comes back in X-Subject-Token. On the note's road the same request comes from HTTPClient._v3_auth.",
    ja: 'keystoneauth1 の v3 のサインインです(identity/v3/base.py)。パスワード方式、スコープは一つ(ドメイン内のプロジェクト名)、auth/tokens に POST し、トークンは X-Subject-Token で返ります。ノートの道では同じリクエストを HTTPClient._v3_auth が送ります。',
  },
  'v2.Auth.get_auth_ref': {
    en: "keystoneauth1's v2.0 sign-in (identity/v2.py), the seed era's: passwordCredentials and the tenant, POST tokens; the token is in the body. On the note's road HTTPClient._v2_auth sends the same request.",
    ja: 'keystoneauth1 の v2.0 のサインイン(identity/v2.py)で、seed 時代のものです。passwordCredentials とテナントを tokens に POST し、トークンは本文に入っています。ノートの道では HTTPClient._v2_auth が同じリクエストを送ります。',
  },
  'ServiceCatalog.url_for': {
    en: "keystoneauth1's catalog lookup: finds the first endpoint of the service type on that interface, or raises EndpointNotFound saying what was asked for. The note's road reads the catalog with novaclient's own ServiceCatalog, once per sign-in.",
    ja: 'keystoneauth1 のカタログ検索です。そのインターフェースでのサービス種別の最初のエンドポイントを探し、無ければ何を求めたかを添えて EndpointNotFound です。ノートの道では novaclient 自身の ServiceCatalog が、サインインのたびに一度カタログを読みます。',
  },
};

/** Spans and events outside the two tables. */
export const EXTRA_NARRATION: Readonly<
  Record<'wire' | 'cloud' | 'scenario' | 'exception' | 'socket' | 'other' | 'clientTime', Narration>
> = {
  scenario: {
    en: "The scenario runner: it sets up the mock cloud for this what-if (a fault, a second client call, a pool setting), runs the real nova command once or twice inside this span, and records the exit code. Its novatrace.road says which road it took: note, the seed note's HTTPClient (a new connection per request), or nova, the nova command's keystoneauth1 session (version discovery, one connection per command). A fault below any command (a pool setting, a chunked body, a timeout tuple) exists only on the note's road.",
    ja: 'シナリオの実行役です。この「もしも」のために模擬クラウドを準備し（障害の注入、二回目の呼び出し、プールの設定など）、このスパンの中で実際の nova コマンドを一回か二回実行し、終了コードを記録します。novatrace.road がどちらの道かを示します。note は seed ノートの HTTPClient(リクエストごとに新しい接続)、nova は nova コマンドの keystoneauth1 セッション(バージョンのディスカバリーがあり、接続はコマンドごとに一本)です。どのコマンドよりも下の層の障害(プールの設定、チャンク形式の本文、タイムアウトの組)はノートの道にしかありません。',
  },
  wire: {
    en: 'The real HTTP exchange on a socket (an undici Client in this port, http.client in Python). It covers sending the request and receiving the answer. Its traceparent header carries this span’s id, so the cloud’s server span joins the same trace.',
    ja: 'ソケット上で行われる実際の HTTP のやりとりです（この移植では undici の Client、Python では http.client）。リクエストの送信から応答の受信までを表します。traceparent ヘッダーがこのスパンの ID を運ぶので、クラウド側のサーバースパンも同じトレースに加わります。',
  },
  clientTime: {
    en: 'Client time: the server span inside is the cloud’s own work; the rest of this wire span is the client’s share (writing the request, waiting for the event loop, reading and parsing the answer). On a busy machine that share can be many times the server’s time: the client was waiting for the CPU, not for the network.',
    ja: 'クライアントの時間：中のサーバースパンはクラウド自身の処理です。このワイヤースパンの残りはクライアントの取り分です（リクエストの書き出し、イベントループの順番待ち、応答の読み取りと解析）。忙しいマシンでは、この取り分がサーバーの時間の何倍にもなることがあります。クライアントが待っていたのはネットワークではなく CPU です。',
  },
  cloud: {
    en: 'The other end of the socket: the mock Keystone or Nova handling the request. It continues the trace from the traceparent header the client sent.',
    ja: 'ソケットの向こう側です。模擬の Keystone または Nova がリクエストを処理しています。クライアントが送った traceparent ヘッダーからトレースを引き継いでいます。',
  },
  exception: {
    en: 'An exception passed through this span. Its class is the Python one the original would raise; the span is marked as an error.',
    ja: 'このスパンを例外が通過しました。クラス名は元の Python コードが送出するものです。スパンはエラーとして記録されます。',
  },
  socket: {
    en: 'A moment on the socket, reported by undici: connected, request headers sent, response headers received.',
    ja: 'undici が知らせるソケット上の出来事です。接続した、リクエストヘッダーを送った、応答ヘッダーを受け取った、などです。',
  },
  other: {
    en: 'A span from another program or library; novatrace has no narration for it.',
    ja: 'ほかのプログラムやライブラリのスパンです。novatrace はこれについての解説を持っていません。',
  },
};

/** A question asked before a decision is revealed (step mode, “predict” on). */
export interface Prediction {
  readonly question: Narration;
  readonly options: readonly { readonly label: Narration; readonly events: readonly string[] }[];
}

/** Predictions keyed by the layer the run is paused at. */
export const PREDICTIONS: Readonly<Record<string, Prediction>> = {
  'HTTPConnectionPool._get_conn': {
    question: {
      en: 'Will the pool hand out a connection it kept, or open a new one?',
      ja: 'プールは保持している接続を渡すでしょうか、それとも新しい接続を開くでしょうか？',
    },
    options: [
      { label: { en: 'Pool hit: reuse', ja: 'ヒット：再利用' }, events: ['pool hit'] },
      {
        label: { en: 'Pool miss: new connection', ja: 'ミス：新しい接続' },
        events: ['pool miss: new connection'],
      },
      {
        label: { en: 'Kept one was dropped: reset', ja: '切断済み：リセット' },
        events: ['connection dropped: reset'],
      },
    ],
  },
  'HTTPClient._cs_request': {
    question: {
      en: 'Will the client have to authenticate with Keystone on this call?',
      ja: 'この呼び出しで、クライアントは Keystone で認証する必要があるでしょうか？',
    },
    options: [
      {
        label: { en: 'Yes, no token yet', ja: 'はい、まだトークンがない' },
        events: ['no management_url: authenticate'],
      },
      {
        label: { en: 'No, the token is held', ja: 'いいえ、トークンを持っている' },
        events: ['token held: skip authenticate'],
      },
      {
        label: { en: 'It will get 401 and re-authenticate', ja: '401 を受けて再認証する' },
        events: ['401: re-authenticate and retry'],
      },
    ],
  },
  'PoolManager.connection_from_url': {
    question: {
      en: 'Does a pool for this host exist already?',
      ja: 'このホスト用のプールはもうあるでしょうか？',
    },
    options: [
      { label: { en: 'Yes, reuse the pool', ja: 'はい、プールを再利用' }, events: ['pool reused'] },
      { label: { en: 'No, create one', ja: 'いいえ、作成する' }, events: ['pool created'] },
    ],
  },
  'HTTPClient._get_session': {
    question: {
      en: 'Will the client reuse the Session it keeps?',
      ja: 'クライアントは保持している Session を再利用するでしょうか？',
    },
    options: [
      { label: { en: 'Reuse it', ja: '再利用する' }, events: ['session reused'] },
      { label: { en: 'Create it now', ja: '今作成する' }, events: ['New session created'] },
      {
        label: { en: 'Throw-away Session', ja: '使い捨ての Session' },
        events: ['no session: throw-away Session'],
      },
    ],
  },
};

/** The narration of a span name, or undefined when the tables have none. */
export function layerNarration(name: string): Narration | undefined {
  return Object.prototype.hasOwnProperty.call(LAYER_NARRATION, name)
    ? LAYER_NARRATION[name]
    : undefined;
}

/** The narration of a decision key, or undefined. */
export function eventNarration(key: string): Narration | undefined {
  return Object.prototype.hasOwnProperty.call(EVENT_NARRATION, key)
    ? EVENT_NARRATION[key]
    : undefined;
}
