/**
 * @module
 * What each decision event means, in both languages: the table web/narration.ts hands out
 * through `eventNarration`, kept apart from the layers' table only for its size.
 */
import type { Narration } from './narration.js';

/** One line per decision event, keyed by `novatrace.event`. */
export const EVENT_NARRATION: Readonly<Record<string, Narration>> = {
  'no management_url: authenticate': {
    en: 'No compute endpoint and no token yet, so the client authenticates with Keystone before its first API call.',
    ja: 'Compute のエンドポイントもトークンもまだないので、最初の API 呼び出しの前に Keystone で認証します。',
  },
  'token held: skip authenticate': {
    en: 'A token and an endpoint are already held, so no Keystone round trip is needed.',
    ja: 'トークンとエンドポイントをすでに持っているので、Keystone への往復は不要です。',
  },
  '401: re-authenticate and retry': {
    en: 'Nova answered 401 Unauthorized: the token has expired. The client fetches a fresh token and sends the same request once more.',
    ja: 'Nova が 401 Unauthorized を返しました。トークンの期限切れです。クライアントは新しいトークンを取り、同じリクエストをもう一度だけ送ります。',
  },
  'retry also 401: raise the first error': {
    en: 'Even with a fresh token the answer is 401, so the client stops retrying and raises the error.',
    ja: '新しいトークンでも 401 が返ったので、クライアントは再試行をやめてエラーを送出します。',
  },
  'keystone v2.0 token': {
    en: 'The token came from Keystone v2.0, inside the JSON body (access.token.id).',
    ja: 'トークンは Keystone v2.0 から、JSON 本文の中（access.token.id）で届きました。',
  },
  'keystone v3 token': {
    en: 'The token came from Keystone v3, in the X-Subject-Token response header.',
    ja: 'トークンは Keystone v3 から、応答ヘッダー X-Subject-Token で届きました。',
  },
  'service catalog: compute endpoint': {
    en: 'From the service catalog the client picks the compute endpoint (by service type, interface and region) and keeps it as management_url.',
    ja: 'サービスカタログから、サービス種別・インターフェース・リージョンで Compute のエンドポイントを選び、management_url として保持します。',
  },
  'find_resource: try id': {
    en: 'First try: treat the argument as an id and GET it directly.',
    ja: '最初の試み：引数を ID とみなして直接 GET します。',
  },
  'find_resource: try name': {
    en: 'Not an id, so look it up by name through a filtered list.',
    ja: 'ID ではなかったので、フィルター付きの一覧で名前から探します。',
  },
  'find_resource: try human_id': {
    en: 'Try the human id, a simplified form of the name.',
    ja: '名前を簡略化した human id で探してみます。',
  },
  'find_resource: try integer id': {
    en: 'The argument looks like a number, so try it as an integer id.',
    ja: '引数が数字に見えるので、整数の ID として試します。',
  },
  'find_resource: not found, next': {
    en: 'That try raised NotFound; the search moves on to the next way.',
    ja: 'この試みは NotFound になりました。次の方法に進みます。',
  },
  'findall: exact name filter': {
    en: 'The server’s name filter can match more than the exact name, so only exact matches are kept.',
    ja: 'サーバー側の名前フィルターは完全一致以外も拾うことがあるので、完全一致だけを残します。',
  },
  'empty body: StrWithMeta': {
    en: 'No body came back (202 Accepted). The result is an empty string that still carries the request id.',
    ja: '本文は返りませんでした（202 Accepted）。結果はリクエスト ID だけを持つ空の文字列です。',
  },
  'body: resource object': {
    en: 'The JSON answer is wrapped into a resource object whose attributes are the fields of the JSON.',
    ja: 'JSON の応答を、各フィールドを属性として持つリソースオブジェクトに包みます。',
  },
  REQ: {
    en: 'The request as a curl command line, the way novaclient’s debug log prints it. Tokens and passwords appear only as {SHA1} hashes.',
    ja: 'novaclient のデバッグログと同じ curl 形式のリクエストです。トークンやパスワードは {SHA1} のハッシュとしてだけ表示されます。',
  },
  RESP: {
    en: 'The response status, headers and body, as the debug log prints them.',
    ja: 'デバッグログと同じ形式の、応答のステータス・ヘッダー・本文です。',
  },
  'legacy 400: ConnectionRefused': {
    en: 'An old quirk: a 400 whose body says “Connection refused” is turned into a ConnectionRefused error rather than BadRequest.',
    ja: '古い特例です。本文に「Connection refused」とある 400 は、BadRequest ではなく ConnectionRefused エラーに変えられます。',
  },
  from_response: {
    en: 'An error status becomes a novaclient exception chosen by the code (404 NotFound, 409 Conflict, 413 OverLimit...), with the message and request id from the body and headers.',
    ja: 'エラーのステータスを、コードに応じた novaclient の例外（404 は NotFound、409 は Conflict、413 は OverLimit など）に変えます。メッセージとリクエスト ID は本文とヘッダーから取ります。',
  },
  'New session created': {
    en: 'The client creates its requests Session on first use and keeps it, so later calls can reuse the same connection pools.',
    ja: 'クライアントは最初に使うときに requests の Session を作って保持します。以後の呼び出しは同じ接続プールを再利用できます。',
  },
  'session reused': {
    en: 'The kept Session, with its pools and idle sockets, is used again.',
    ja: '保持している Session を、そのプールと待機中のソケットごと再び使います。',
  },
  'no session: throw-away Session': {
    en: 'No kept Session: requests.request makes one for this call only, so no connection survives it and the next call starts cold.',
    ja: '保持している Session がないので、requests.request がこの呼び出し専用のものを作ります。接続は残らず、次の呼び出しはまた一からです。',
  },
  'microversion discovered': {
    en: 'The shell asked for the newest API microversion (“2.latest”): it read the version document from Nova and settled on the highest version both sides support, which every later request then announces in its headers.',
    ja: 'シェルは最新の API マイクロバージョン（「2.latest」）を求めました。Nova のバージョン文書を読み、双方が対応する最も高いバージョンに決め、以後のリクエストはそのバージョンをヘッダーで伝えます。',
  },
  'redirect cache hit': {
    en: 'A permanent redirect (301) seen earlier is applied before sending, from the session’s redirect cache.',
    ja: '以前に見た恒久的なリダイレクト（301）を、セッションのリダイレクトキャッシュから送信前に適用します。',
  },
  redirect: {
    en: 'The answer is a redirect; the session will follow its Location header.',
    ja: '応答はリダイレクトです。セッションは Location ヘッダーの先をたどります。',
  },
  'redirect: method becomes GET': {
    en: 'As browsers do, a 303 (and a 301/302 after POST) is followed with a GET without a body.',
    ja: 'ブラウザーと同じく、303（と POST 後の 301/302）は本文なしの GET でたどります。',
  },
  'redirect: Authorization dropped': {
    en: 'The redirect leads to another host, so the Authorization header is removed before following it.',
    ja: 'リダイレクト先が別のホストなので、たどる前に Authorization ヘッダーを外します。',
  },
  'adapter chosen': {
    en: 'The session picks the transport adapter mounted for the longest matching URL prefix (here http://).',
    ja: 'セッションは、URL に最も長く一致する接頭辞に登録されたトランスポートアダプター（ここでは http://）を選びます。',
  },
  'chunked: low-level path': {
    en: 'The body has no known length, so it is sent with chunked transfer encoding through the low-level connection path.',
    ja: '本文の長さが分からないので、低レベルの接続経路を使い、チャンク転送エンコーディングで送ります。',
  },
  'proxy selected': {
    en: 'A proxy from the settings or the environment applies to this URL.',
    ja: '設定または環境変数のプロキシがこの URL に適用されます。',
  },
  'exception translated': {
    en: 'A urllib3 error became a requests exception here (for example MaxRetryError became ConnectionError). The original rides along as the cause.',
    ja: 'ここで urllib3 のエラーが requests の例外に翻訳されました（例：MaxRetryError が ConnectionError に）。元のエラーは原因（cause）として付いていきます。',
  },
  'content read': {
    en: 'The whole body has been read, which is what lets the connection go back to the pool.',
    ja: '本文をすべて読み終えました。これで接続をプールに戻せます。',
  },
  'pool hit': {
    en: 'A kept connection came out of the pool: the socket is already open, so there is no new TCP handshake.',
    ja: 'プールから保持中の接続が出てきました。ソケットはすでに開いているので、新しい TCP ハンドシェイクはありません。',
  },
  'pool miss: new connection': {
    en: 'The pool had no idle connection, so a new one is made (“Starting new HTTP connection”): the first request to a host always pays for a TCP handshake.',
    ja: 'プールに空いている接続がなかったので、新しく作ります（「Starting new HTTP connection」）。ホストへの最初のリクエストは必ず TCP ハンドシェイクの分だけ時間がかかります。',
  },
  'connection dropped: reset': {
    en: 'The kept connection had been closed by the server while it sat idle. urllib3 notices, closes its end, and a fresh socket will be opened (“Resetting dropped connection”).',
    ja: '保持していた接続は、待機中にサーバー側で閉じられていました。urllib3 はそれに気づいて自分の側も閉じ、新しいソケットを開きます（「Resetting dropped connection」）。',
  },
  'pool empty: block': {
    en: 'Every connection is in use and the pool blocks, so this request waits until another one returns its connection (or the timeout runs out).',
    ja: '接続はすべて使用中で、プールはブロックする設定です。このリクエストは、ほかのリクエストが接続を返すまで（またはタイムアウトまで）待ちます。',
  },
  'pool is full: discard': {
    en: 'The queue already holds maxsize connections, so this one is closed instead of kept (“Connection pool is full, discarding connection”).',
    ja: 'キューにはすでに maxsize 個の接続があるので、この接続は保持せずに閉じます（「Connection pool is full, discarding connection」）。',
  },
  'pool created': {
    en: 'The pool manager had no pool for this host and port, so it made one.',
    ja: 'プールマネージャーにはこのホストとポート用のプールがなかったので、新しく作りました。',
  },
  'pool reused': {
    en: 'The pool manager already had a pool for this host and port; its idle connections can be reused.',
    ja: 'プールマネージャーにはこのホストとポート用のプールがすでにあり、その待機中の接続を再利用できます。',
  },
  retry: {
    en: 'The attempt failed in a way the Retry policy allows to try again, so urllib3 sends the request once more.',
    ja: 'この試行の失敗は Retry の方針で再試行が許される種類なので、urllib3 はもう一度リクエストを送ります。',
  },
  'pool redirect': {
    en: 'urllib3 itself follows this redirect inside urlopen (requests normally turns that off and follows redirects one level up, in its session).',
    ja: 'urllib3 自身が urlopen の中でこのリダイレクトをたどります（requests は通常これを止め、一つ上のセッションでリダイレクトをたどります）。',
  },
  'connection released': {
    en: 'The connection went back to the pool, ready for the next request.',
    ja: '接続はプールに戻り、次のリクエストに備えています。',
  },
  'version document: 404, try the root': {
    en: 'The compute URL from the catalog has the project id in it, which Nova of that era does not route: 404. novaclient cuts the last segment and reads the version document there.',
    ja: 'カタログのコンピュート URL にはプロジェクト ID が入っており、当時の Nova はそれをルーティングしません(404)。novaclient は最後の部分を切ってそこでバージョン文書を読みます。',
  },
  'version document: 401, no version': {
    en: 'The version document answered 401, so the version stays unknown and discovery falls back to 2.0.',
    ja: 'バージョン文書が 401 を返したので、バージョンは不明のままで、ディスカバリーは 2.0 に戻ります。',
  },
  'session road: keystoneauth1 session': {
    en: 'No option forces the old client, so the shell builds a keystoneauth1 session: this is the road the real nova command took. Why warm-pool is not warm here: every nova command is a new process with a new session, pool and token.',
    ja: '古いクライアントを強いるオプションが無いので、シェルは keystoneauth1 のセッションを作ります。本物の nova コマンドが通った道です。warm-pool がここで温まらない理由: nova コマンドは毎回新しいプロセスで、セッションもプールもトークンも新しいからです。',
  },
  'HTTPClient road: option forces it': {
    en: 'An option (--bypass-url, --os-cache) or the embedding program chose HTTPClient: the road the seed note reads, with a new connection per request.',
    ja: 'オプション(--bypass-url、--os-cache)か呼び出し側が HTTPClient を選びました。seed ノートが読む道で、リクエストごとに新しい接続です。',
  },
  'token cached: no request': {
    en: 'The plugin still holds a fresh token, so no request goes to Keystone.',
    ja: 'プラグインがまだ新しいトークンを持っているので、Keystone へのリクエストはありません。',
  },
  'no valid token: authenticate': {
    en: 'No token yet (or it expires soon): the plugin signs in now.',
    ja: 'トークンがまだ無い(または期限切れ間近): プラグインが今サインインします。',
  },
  'discovery cached': {
    en: 'This version document was read already; the cached copy is used.',
    ja: 'このバージョン文書は読み済みなので、キャッシュを使います。',
  },
  'discovery failed: guess from the URL': {
    en: "The version document could not be read, so keystoneauth1 guesses the version from the start of the URL's path (/v2.0 or /v3).",
    ja: 'バージョン文書が読めなかったので、keystoneauth1 は URL のパスの先頭(/v2.0 か /v3)からバージョンを推測します。',
  },
  'identity plugin chosen': {
    en: 'Discovery found an identity version that fits the options; that v2.0 or v3 plugin does the sign-in.',
    ja: 'ディスカバリーでオプションに合う Identity のバージョンが見つかり、その v2.0 か v3 のプラグインがサインインします。',
  },
  'no suitable plugin: DiscoveryFailure': {
    en: 'Neither discovery nor the URL named a usable identity version: DiscoveryFailure, before any token request.',
    ja: 'ディスカバリーでも URL でも使える Identity のバージョンが分からない: トークン要求の前に DiscoveryFailure です。',
  },
  'endpoint from the catalog': {
    en: "The service's URL was found in the token's catalog.",
    ja: 'サービスの URL がトークンのカタログで見つかりました。',
  },
  '401: invalidate the token and resend': {
    en: 'The service said 401: the session drops the token, signs in again and sends the same request once more.',
    ja: 'サービスが 401 を返しました。セッションはトークンを捨てて再びサインインし、同じリクエストをもう一度送ります。',
  },
  'requests error translated': {
    en: 'A requests error became a keystoneauth1 one: any timeout is ConnectTimeout, a connection error ConnectFailure.',
    ja: 'requests の例外が keystoneauth1 のものになりました。どのタイムアウトも ConnectTimeout、接続エラーは ConnectFailure です。',
  },
  'keystoneauth1 redirect': {
    en: 'keystoneauth1 follows this redirect itself (requests was told not to).',
    ja: 'keystoneauth1 がこのリダイレクトを自分でたどります(requests には禁じています)。',
  },
  'keystoneauth1 REQ': {
    en: "The session's debug line for the request (tokens shown as SHA1 digests); sign-in requests are not logged.",
    ja: 'セッションのリクエストのデバッグ行です(トークンは SHA1 ダイジェスト)。サインインのリクエストは記録しません。',
  },
  'keystoneauth1 RESP': {
    en: "The session's debug line for the response, with any service catalog removed from the body.",
    ja: 'セッションの応答のデバッグ行で、本文のサービスカタログは取り除かれます。',
  },
};
