/**
 * @module
 * The page's own labels in English and Japanese (the narration of layers and events lives in
 * narration.ts). `t(key)` reads the current language.
 */
import type { Lang } from './narration.js';

export const STRINGS = {
  tagline: { en: 'nova volume-update, layer by layer', ja: 'nova volume-update を層ごとに' },
  run: { en: 'Run', ja: '実行' },
  runThis: { en: 'Run “{0}”', ja: '「{0}」を実行' },
  stepMode: { en: 'Step mode', ja: 'ステップ実行' },
  predict: { en: 'Predict first', ja: '先に予想' },
  next: { en: 'Next', ja: '次へ' },
  continue: { en: 'Continue', ja: '続行' },
  abort: { en: 'Abort', ja: '中止' },
  openFile: { en: 'Open file…', ja: 'ファイルを開く…' },
  downloadOtlp: { en: 'OTLP/JSON', ja: 'OTLP/JSON' },
  downloadJaeger: { en: 'Jaeger JSON', ja: 'Jaeger JSON' },
  download: { en: 'Download ▾', ja: 'ダウンロード ▾' },
  compare: { en: 'Compare', ja: '比較' },
  tree: { en: 'Call tree', ja: '呼び出しツリー' },
  help: { en: 'Keyboard help', ja: 'キーボード操作' },
  theme: { en: 'Theme', ja: 'テーマ' },
  scenarios: { en: 'Scenarios', ja: 'シナリオ' },
  traces: { en: 'Traces', ja: 'トレース' },
  library: { en: 'Recorded traces', ja: '記録済みトレース' },
  noTraces: {
    en: 'No traces yet. Press Run.',
    ja: 'トレースはまだありません。「実行」を押してください。',
  },
  noScenarios: {
    en: 'No scenarios available in this viewer.',
    ja: 'このビューアーではシナリオを実行できません。',
  },
  spans: { en: '{0} spans', ja: '{0} スパン' },
  running: { en: 'running', ja: '実行中' },
  error: { en: 'error', ja: 'エラー' },
  ok: { en: 'ok', ja: '正常' },
  waitingParent: { en: 'parent not received yet', ja: '親スパン未着' },
  collapseAll: { en: 'Collapse all', ja: 'すべて閉じる' },
  expandAll: { en: 'Expand all', ja: 'すべて開く' },
  levelUp: { en: '− level', ja: '− 1 階層' },
  levelDown: { en: '+ level', ja: '+ 1 階層' },
  follow: { en: 'Follow new traces', ja: '新しいトレースを追う' },
  span: { en: 'Span', ja: 'スパン' },
  duration: { en: 'Duration', ja: '所要時間' },
  timeline: { en: 'Timeline', ja: 'タイムライン' },
  narration: { en: 'What happens here', ja: 'ここで起きること' },
  attributes: { en: 'Attributes', ja: '属性' },
  events: { en: 'Events', ja: 'イベント' },
  exception: { en: 'Exception', ja: '例外' },
  source: { en: 'Source', ja: 'ソース' },
  typescript: { en: 'TypeScript (this port)', ja: 'TypeScript（この移植）' },
  python: { en: 'Python original', ja: 'Python の原典' },
  noSource: {
    en: 'Select a layer span to see its TypeScript source.',
    ja: 'レイヤーのスパンを選ぶと、その TypeScript ソースが表示されます。',
  },
  sourceUnavailable: { en: 'Source not available: {0}', ja: 'ソースを表示できません：{0}' },
  layer: { en: 'layer', ja: 'レイヤー' },
  kind: { en: 'kind', ja: '種類' },
  service: { en: 'service', ja: 'サービス' },
  status: { en: 'status', ja: '状態' },
  started: { en: 'started at', ja: '開始' },
  pausedAt: { en: 'Paused at the entry of {0}', ja: '{0} の入口で一時停止中' },
  pausedReturn: { en: 'Paused at the return of {0}', ja: '{0} の戻り口で一時停止中' },
  pausedRaise: {
    en: 'Paused where {0} raises an exception',
    ja: '{0} が例外を送出するところで一時停止中',
  },
  pausedDecision: { en: 'Paused after {0} decided: {1}', ja: '{0} の判断の直後で一時停止中：{1}' },
  stopHint: {
    en: 'The real program waits here, sockets and all. Next (n) runs on to the next stop; Continue (c) runs to the end.',
    ja: '実際のプログラムがソケットも含めてここで待っています。「次へ」(n) で次の停止点まで進み、「続行」(c) で最後まで実行します。',
  },
  stopHands: { en: 'Hands back: {0}', ja: '戻り値：{0}' },
  stopLine: { en: 'TypeScript line: {0}:{1}', ja: 'TypeScript の行：{0}:{1}' },
  pausedWire: {
    en: 'Paused before the {0} request goes on the wire: no byte has been sent yet.',
    ja: '{0} リクエストを送信する直前で一時停止中です。まだ 1 バイトも送っていません。',
  },
  pausedHint: {
    en: 'The span has started, its body has not run yet: the real program waits here, sockets and all. Next (n) runs on to the next layer; Continue (c) runs to the end.',
    ja: 'スパンは始まりましたが、本体はまだ実行されていません。実際のプログラムがソケットも含めてここで待っています。「次へ」(n) で次の層まで進み、「続行」(c) で最後まで実行します。',
  },
  runningRun: { en: 'Running “{0}”…', ja: '「{0}」を実行中…' },
  runDone: {
    en: '“{0}” finished with exit code {1}.',
    ja: '「{0}」は終了コード {1} で終わりました。',
  },
  runFailed: { en: '“{0}” failed: {1}', ja: '「{0}」は失敗しました：{1}' },
  runAborted: { en: '“{0}” was aborted.', ja: '「{0}」は中止されました。' },
  yourGuess: { en: 'Your guess: {0}.', ja: 'あなたの予想：{0}。' },
  itWas: { en: 'It was: {0}.', ja: '結果：{0}。' },
  right: { en: 'Right!', ja: '正解！' },
  notThisTime: { en: 'Not this time.', ja: '今回は違いました。' },
  noneHappened: { en: 'None of these happened.', ja: 'どれも起きませんでした。' },
  compareA: { en: 'A', ja: 'A' },
  compareB: { en: 'B', ja: 'B' },
  same: { en: 'same', ja: '同じ' },
  changed: { en: 'differs', ja: '相違' },
  onlyA: { en: 'only in A', ja: 'A のみ' },
  onlyB: { en: 'only in B', ja: 'B のみ' },
  compareSummary: {
    en: '{0} spans only in A, {1} only in B, {2} decided differently, {3} the same.',
    ja: 'A だけのスパン {0}、B だけのスパン {1}、判断が異なるスパン {2}、同じスパン {3}。',
  },
  pickTwo: { en: 'Pick two traces to compare.', ja: '比較する二つのトレースを選んでください。' },
  welcomeTitle: { en: 'Welcome to novatrace', ja: 'novatrace へようこそ' },
  welcome1: {
    en: 'Each row is one layer of the real program: python-novaclient, then requests, then urllib3, then the socket, ported to TypeScript and traced with OpenTelemetry.',
    ja: '一行が実際のプログラムの一つの層です。python-novaclient、requests、urllib3、そしてソケットへと続きます。TypeScript に移植し、OpenTelemetry でトレースしています。',
  },
  welcome2: {
    en: 'The trace loaded at start runs the same command twice on one client. The first run authenticates and opens the only TCP connection (pool miss); every request after that, the whole second run included, skips Keystone and reuses that socket (pool hit). Press Compare to put the two runs side by side, or Run to watch it live.',
    ja: '起動時に読み込んだトレースでは、同じクライアントで同じコマンドを二回実行しています。一回目は認証し、ただ一つの TCP 接続を開きます（プールのミス）。それ以降のリクエストは、二回目の実行も含めて、Keystone を省きそのソケットを再利用します（プールのヒット）。「比較」で二つの実行を並べて、「実行」でライブの様子を見られます。',
  },
  welcome3: {
    en: 'Click a row (or use j/k) to read what the layer does, its attributes and events, and its source.',
    ja: '行をクリック（または j/k）すると、その層の役割、属性とイベント、ソースが表示されます。',
  },
  openedFile: { en: 'Opened {0}: {1} spans.', ja: '{0} を開きました：{1} スパン。' },
  evicted: {
    en: 'This trace is no longer stored on the server.',
    ja: 'このトレースはサーバーにもう保存されていません。',
  },
  connectionLost: {
    en: 'Live connection lost; reconnecting…',
    ja: 'ライブ接続が切れました。再接続中…',
  },
  serverUnreachable: {
    en: 'The viewer server cannot be reached. Is `novatrace serve` still running?',
    ja: 'ビューアーのサーバーに接続できません。`novatrace serve` はまだ動いていますか？',
  },
  somethingFailed: {
    en: 'That did not work; the page is unchanged.',
    ja: 'うまくいきませんでした。ページは変わっていません。',
  },
  serverLost: {
    en: 'Connection to the viewer server lost. Run and the step controls are disabled until it is back; the page reconnects by itself and reloads what it missed.',
    ja: 'ビューアーのサーバーとの接続が切れました。復旧するまで「実行」とステップ操作は使えません。ページは自動で再接続し、その間の内容を読み込み直します。',
  },
  live: { en: 'live', ja: 'ライブ' },
  offline: { en: 'offline', ja: 'オフライン' },
  emptyServer: {
    en: 'This viewer has no trace yet. Choose a scenario and press Run, open a trace file, or send spans to /v1/traces.',
    ja: 'このビューアーにはまだトレースがありません。シナリオを選んで「実行」を押すか、トレースファイルを開くか、/v1/traces にスパンを送ってください。',
  },
  emptyBadLink: {
    en: 'The trace in this link is not on this server (it may come from another viewer, or the server restarted). Pick a trace on the left.',
    ja: 'このリンクのトレースはこのサーバーにありません（別のビューアーのものか、サーバーが再起動しました）。左のトレースを選んでください。',
  },
  details: { en: 'Details', ja: '詳細' },
  leadClass: { en: 'Let the class follow', ja: 'クラスに追従させる' },
  followLink: { en: 'Follow link for the class', ja: 'クラス用の追従リンク' },
  teachLink: {
    en: 'Teacher link (keep it private: it moves the controls to the page that opens it)',
    ja: '教師用リンク（非公開に：開いたページに操作が移ります）',
  },
  teachTaken: {
    en: 'This page now leads the class: the class follows it, and its runs’ controls are here.',
    ja: 'このページがクラスを先導します。クラスはこのページに追従し、実行の操作はここにあります。',
  },
  teachMoved: {
    en: 'The class is now led from another page (its teacher link was opened): this page follows, read-only.',
    ja: 'クラスは別のページ（教師用リンクを開いたページ）から先導されています。このページは読み取り専用で追従します。',
  },
  followStarted: {
    en: 'Students who open the follow link see this page’s trace, selection and step pauses, read-only.',
    ja: '追従リンクを開いた受講者には、このページのトレース、選択、ステップの停止が読み取り専用で表示されます。',
  },
  storyHead: {
    en: 'This trace, “{0}”, has {1} spans.',
    ja: 'このトレース「{0}」には {1} 個のスパンがあります。',
  },
  storyWire: {
    en: '{0} HTTP requests went on the wire ({1}).',
    ja: '{0} 個の HTTP リクエストが送られました（{1}）。',
  },
  storyNoWire: {
    en: 'No request reached the wire.',
    ja: 'ワイヤーまで届いたリクエストはありません。',
  },
  storyPool: {
    en: 'The pool opened {0} new connections and reused one {1} times (pool hit).',
    ja: 'プールは新しい接続を {0} 回開き、接続を {1} 回再利用しました（プールのヒット）。',
  },
  storyError: {
    en: '{0} spans ended in error; at the top: {1}',
    ja: '{0} 個のスパンがエラーで終わりました。最上位のもの：{1}',
  },
  storyOk: {
    en: 'Every span ended without error.',
    ja: 'すべてのスパンがエラーなく終わりました。',
  },
  readOnlyRun: {
    en: 'Another page started this run and holds its controls; this page follows it read-only. Start your own with Run once it ends.',
    ja: 'この実行は別のページが始めたもので、操作はそのページだけができます。このページは読み取り専用で追いかけます。終わったら「実行」で自分の実行を始められます。',
  },
  more: { en: 'More ▾', ja: 'その他 ▾' },
  skipToTree: { en: 'Skip to the call tree', ja: '呼び出しツリーへ移動' },
  resizeSplit: {
    en: 'Resize the tree and the waterfall (← →)',
    ja: 'ツリーとウォーターフォールの幅を変える（← →）',
  },
  spanId: { en: 'span id', ja: 'スパン ID' },
  traceId: { en: 'trace id', ja: 'トレース ID' },
  parent: { en: 'parent', ja: '親スパン' },
  scope: { en: 'scope', ja: 'スコープ' },
  internal: { en: 'internal', ja: '内部' },
  client: { en: 'client', ja: 'クライアント' },
  server: { en: 'server', ja: 'サーバー' },
  legend: { en: 'Layers', ja: 'レイヤー' },
  keys: { en: 'Keys', ja: 'キー' },
  close: { en: 'Close', ja: '閉じる' },
  traceOf: { en: 'trace {0}', ja: 'トレース {0}' },
  relTime: { en: '+{0} from span start', ja: 'スパン開始から +{0}' },
  clientShare: {
    en: 'server {0} · client’s share {1}',
    ja: 'サーバー {0} · クライアントの取り分 {1}',
  },
  upstreamAt: { en: 'upstream', ja: '上流' },
  none: { en: '(none)', ja: '（なし）' },
  road: { en: 'Road of the run', ja: '実行する道' },
  roadNoteTitle: {
    en: "The seed note's road: novaclient's HTTPClient, as 3.3.0 used as a library takes it (run --road note)",
    ja: 'ノートの道：novaclient の HTTPClient。3.3.0 をライブラリとして使うときの道です（run --road note）',
  },
  roadNovaTitle: {
    en: "The nova command's road: SessionClient over a keystoneauth1 session, with version discovery and one connection per command (run --road nova)",
    ja: 'nova コマンドの道：keystoneauth1 のセッションの上の SessionClient。バージョンのディスカバリーがあり、接続はコマンドごとに一本です（run --road nova）',
  },
  noNovaRoad: {
    en: "Note's road only: this fault exists only at the library level, no nova command reaches it.",
    ja: 'ノートの道のみ：この障害はライブラリの層にしかなく、nova コマンドでは起きません。',
  },
  noteOnly: { en: "note's road only", ja: 'ノートの道のみ' },
  faultNotOnNova: {
    en: 'On the nova road this fault is never met.',
    ja: 'nova の道ではこの障害に出会いません。',
  },
  faultNoteOnly: { en: 'fault: note road', ja: '障害はノートの道' },
  onNovaRoad: { en: 'On the nova road: {0}', ja: 'nova の道では：{0}' },
  otherRoad: { en: '⇆ Other road', ja: '⇆ もう一方の道' },
  otherRoadTitle: {
    en: 'Compare this scenario with the same scenario on the other road',
    ja: 'このシナリオを、もう一方の道の同じシナリオと比較',
  },
  notAScenario: {
    en: 'This trace is not a scenario run, so it has no other road to compare with.',
    ja: 'このトレースはシナリオの実行ではないので、比較するもう一方の道がありません。',
  },
  noOtherRoad: {
    en: '“{0}” has no nova road: its fault exists only on the note’s road.',
    ja: '「{0}」には nova の道がありません。この障害はノートの道にしかありません。',
  },
  otherRoadMissing: {
    en: 'No trace of “{0}” on the {1} road here or in the library: run it on that road first.',
    ja: '「{0}」の {1} の道のトレースが、ここにもライブラリにもありません。先にその道で実行してください。',
  },
  roadStory: { en: 'The two roads of “{0}”', ja: '「{0}」の二つの道' },
  // The Wire tab (web/wire-tab.ts).
  spanTab: { en: 'Span', ja: 'スパン' },
  wireTab: { en: 'Wire', ja: '通信' },
  wireRequest: { en: 'Request as sent', ja: '送ったリクエスト' },
  wireResponse: { en: 'Response as received', ja: '受け取ったレスポンス' },
  wireTiming: { en: 'Timing', ja: 'タイミング' },
  wireBody: { en: 'Body', ja: 'ボディ' },
  wireBodySize: { en: 'Body ({0} bytes)', ja: 'ボディ（{0} バイト）' },
  wireNoBody: { en: 'no body', ja: 'ボディなし' },
  wireBodyCut: {
    en: 'The first {0} bytes of {1}',
    ja: '{1} バイトのうち先頭の {0} バイト',
  },
  wireNoResponse: { en: 'No response was received.', ja: 'レスポンスは届いていません。' },
  wireMissing: {
    en: 'Not recorded in this span: {0}. Shown from the standard attributes it has.',
    ja: 'このスパンには記録がありません：{0}。標準の属性から表示しています。',
  },
  wireMissingRequestHeaders: {
    en: 'the request headers as sent (order and case; only allow-listed headers are shown)',
    ja: '送ったとおりのリクエストヘッダー（順序と大文字小文字。許可リストのヘッダーだけを表示）',
  },
  wireMissingResponseHeaders: {
    en: 'the response headers as received',
    ja: '受け取ったとおりのレスポンスヘッダー',
  },
  wireMissingStatusLine: { en: 'the status line', ja: 'ステータス行' },
  wireMissingBodies: { en: 'the body previews', ja: 'ボディのプレビュー' },
  wireMissingResponseBody: {
    en: 'the response body (it was still arriving when the span ended)',
    ja: 'レスポンスボディ（スパンの終了時にまだ届いていませんでした）',
  },
  wireRunning: {
    en: 'In progress: the headers, bodies and phases appear when the exchange ends.',
    ja: '進行中：ヘッダー、ボディ、各段階は通信が終わると表示されます。',
  },
  wireMissingTiming: { en: 'the timing events', ja: 'タイミングのイベント' },
  phaseQueued: { en: 'Queued (reused connection)', ja: '待機（再利用の接続）' },
  phaseConnect: { en: 'Connect', ja: '接続' },
  phaseSent: { en: 'Request sent', ja: 'リクエスト送信' },
  phaseWaiting: { en: 'Waiting for the first byte', ja: '最初のバイトを待つ' },
  phaseBody: { en: 'Response body', ja: 'レスポンスボディ' },
  minimap: { en: 'Minimap of the whole trace', ja: 'トレース全体のミニマップ' },
  zoomReset: { en: 'Whole trace', ja: 'トレース全体' },
  zoomHint: { en: 'Drag to zoom · w s a d', ja: 'ドラッグで拡大 · w s a d' },
  criticalPath: { en: 'Critical path', ja: 'クリティカルパス' },
  selfColumn: { en: 'Self time column', ja: '自己時間の列' },
  selfTime: { en: 'Self time', ja: '自己時間' },
  selfHead: { en: 'Self', ja: '自己' },
  lanes: { en: 'Connection lanes', ja: 'コネクションのレーン' },
  lanesNone: {
    en: 'No HTTP exchange in this trace.',
    ja: 'このトレースには HTTP のやり取りがありません。',
  },
  laneUnknown: { en: 'connection not recorded', ja: '接続の記録なし' },
  markOpened: { en: 'opened', ja: '新規接続' },
  markReused: { en: 'reused', ja: '再利用' },
  markReset: { en: 'reset', ja: 'リセット' },
  markDiscarded: { en: 'discarded', ja: '破棄' },
  markClosed: { en: 'closed', ja: '切断' },
  poolState: {
    en: 'pool: {0} idle, maxsize {1}, block {2}',
    ja: 'プール：アイドル {0}、maxsize {1}、block {2}',
  },
  compareStats: { en: 'Statistics, A and B', ja: '統計（A と B）' },
  sameCounts: { en: 'same counts', ja: '件数は同じ' },
  errorsOnly: { en: 'errors only', ja: 'エラーのみ' },
  traceStats: { en: 'Trace statistics', ja: 'トレースの統計' },
  // The compare view's panels (web/compare-view.ts, compare-stats.ts, compare-lanes.ts).
  compareDiffs: { en: 'Differences', ja: '相違点' },
  compareLanes: { en: 'Connection lanes, A and B', ja: 'コネクションのレーン（A と B）' },
  compareWelcome: {
    en: 'Two traces side by side: click a row of A or B to read what that layer did there, its attributes, events, wire exchange and source.',
    ja: '二つのトレースを並べています。A か B の行をクリックすると、その層が何をしたか、属性、イベント、通信、ソースが表示されます。',
  },
  onCriticalPath: { en: 'on the critical path', ja: 'クリティカルパス上' },
  // The analysis bar (web/analysis-pane.ts): Find, its filters, the statistics table. The
  // English texts are the names the issue fixes (tests find the box and the rows by them).
  find: { en: 'Find', ja: '検索' },
  findPlaceholder: { en: 'Find  /', ja: '検索  /' },
  findResults: { en: 'Find results', ja: '検索結果' },
  findCount: { en: '{0} of {1}', ja: '{1} 件中 {0}' },
  findLayerNovaclient: { en: 'novaclient', ja: 'novaclient' },
  findLayerKeystoneauth1: { en: 'keystoneauth1', ja: 'keystoneauth1' },
  findLayerRequests: { en: 'requests', ja: 'requests' },
  findLayerUrllib3: { en: 'urllib3', ja: 'urllib3' },
  findLayerWire: { en: 'wire', ja: 'ワイヤ' },
  findFilters: { en: 'Filter by errors or layer', ja: 'エラーか層で絞り込む' },
  findLayerCloud: { en: 'cloud', ja: 'クラウド' },
  statsName: { en: 'span name / layer', ja: 'スパン名／レイヤー' },
  statsCount: { en: 'count', ja: '件数' },
  statsTotal: { en: 'total', ja: '合計' },
  statsSelf: { en: 'self', ja: '自己時間' },
  statsShare: { en: 'share', ja: '割合' },
  statsMore: { en: '… {0} more span names', ja: '… ほかに {0} 種類のスパン名' },
  statHttpRequests: { en: 'HTTP requests', ja: 'HTTP リクエスト' },
  statConnectionsOpened: { en: 'connections opened', ja: '開いた接続' },
  statConnectionsReused: { en: 'connections reused', ja: '再利用した接続' },
  statConnectionsReset: { en: 'connections reset', ja: 'リセットした接続' },
  statAuthentications: { en: 'authentications', ja: '認証' },
  statRetries: { en: 'retries', ja: '再試行' },
  statRedirects: { en: 'redirects', ja: 'リダイレクト' },
  /** One differing count of the compare sentence: label, A's count, B's count. */
  statDiffers: { en: '{0}: A {1}, B {2}', ja: '{0}：A {1}、B {2}' },
  statDiffersSep: { en: '; ', ja: '。' },
} as const satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof STRINGS;

let current: Lang = 'en';

export function setLang(lang: Lang): void {
  current = lang;
}

export function lang(): Lang {
  return current;
}

/** The label in the current language, with `{0}`, `{1}`... filled in. */
export function t(key: StringKey, ...args: (string | number)[]): string {
  const text: string = STRINGS[key][current];
  return args.length === 0
    ? text
    : text.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

/** The keyboard help lines: [keys, English, Japanese]. */
export const KEY_HELP: readonly (readonly [string, string, string])[] = [
  ['↓ / j', 'next row', '次の行'],
  ['↑ / k', 'previous row', '前の行'],
  ['→ / l', 'open, or go to the first child', '開く／最初の子へ'],
  ['← / h', 'close, or go to the parent', '閉じる／親へ'],
  ['Enter / Space', 'open or close the row', '行を開閉'],
  ['[  /  ]', 'collapse all / expand all', 'すべて閉じる／すべて開く'],
  ['-  /  +', 'one level less / more', '1 階層減らす／増やす'],
  ['Home / End', 'first / last row', '最初／最後の行'],
  ['n', 'step mode and replay: Next', 'ステップ実行・再生：次へ'],
  ['b', 'step mode and replay: Back to the previous stop', 'ステップ実行・再生：前の停止点へ戻る'],
  ['c', 'step mode: Continue', 'ステップ実行：続行'],
  ['r', 'run the selected scenario', '選択中のシナリオを実行'],
  ['w / s', 'zoom the waterfall in / out', 'ウォーターフォールを拡大／縮小'],
  ['a / d', 'pan the waterfall earlier / later', 'ウォーターフォールを前／後へ移動'],
  ['0', 'show the whole trace', 'トレース全体を表示'],
  ['?', 'this help', 'このヘルプ'],
];
