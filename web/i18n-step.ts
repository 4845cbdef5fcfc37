/**
 * @module
 * Labels of stepping back and forward, the replay of a recorded trace and the Python pane, in
 * English and Japanese (kept apart from i18n.ts so that file stays one list everyone adds to).
 */
import { lang } from './i18n.js';
import type { Lang } from './narration.js';

export const STEP_STRINGS = {
  back: { en: 'Back', ja: '戻る' },
  stopOf: { en: 'Stop {0} of {1}', ja: '停止点 {0} / {1}' },
  pastHint: {
    en: 'Looking back: the program still waits at stop {0}. Next walks forward again.',
    ja: '振り返り中：プログラムは停止点 {0} で待ったままです。「次へ」で先へ戻ります。',
  },
  doneHint: {
    en: 'Looking back at a finished run. Next walks forward.',
    ja: '終わった実行を振り返っています。「次へ」で先へ進みます。',
  },
  replayHint: {
    en: 'Replay of a recorded trace: no program runs, nothing is sent.',
    ja: '記録済みトレースの再生：プログラムは動かず、何も送信しません。',
  },
  replayStart: { en: 'Step through this trace', ja: 'このトレースをステップ再生' },
  replayEnd: { en: 'End replay', ja: '再生を終了' },
  play: { en: 'Play', ja: '自動再生' },
  pause: { en: 'Pause', ja: '一時停止' },
  speed: { en: 'Speed', ja: '速度' },
  replayLabel: { en: 'Replay', ja: '再生' },
  replayDone: {
    en: 'End of the recorded stops: the whole trace is shown.',
    ja: '記録された停止点の終わりです。トレース全体を表示しています。',
  },
  pythonPane: { en: 'Python original', ja: 'Python の原典' },
  pythonNone: {
    en: 'Select a layer to read the Python function it ports.',
    ja: 'レイヤーを選ぶと、移植元の Python 関数を表示します。',
  },
  pythonNotLayer: {
    en: 'This span ports no Python function.',
    ja: 'このスパンには移植元の Python 関数がありません。',
  },
  pythonLoading: { en: 'Looking for the Python source…', ja: 'Python ソースを探しています…' },
  pythonHowTo: {
    en: 'To read it here: start novatrace serve --python-src DIR with a folder holding novaclient/, requests/ and urllib3/ (e.g. unpacked from pip download python-novaclient==3.3.0 requests==2.9.1, or their source trees side by side), or install the Debian packages python3-novaclient, python3-requests and python3-urllib3.',
    ja: 'ここで読むには：novaclient/・requests/・urllib3/ を含むフォルダを指定して novatrace serve --python-src DIR を起動するか（例：pip download python-novaclient==3.3.0 requests==2.9.1 を展開）、Debian パッケージ python3-novaclient・python3-requests・python3-urllib3 をインストールしてください。',
  },
  pythonNotSeed: {
    en: 'not the seed’s version ({0}): lines may differ',
    ja: 'シードの版（{0}）ではありません：行が異なる場合があります',
  },
  pythonSeed: { en: 'the seed’s version', ja: 'シードと同じ版' },
  pythonSeedByText: {
    en: 'the seed’s version (known by its text: the copy has no package metadata)',
    ja: 'シードと同じ版（パッケージ情報がないため、ファイルの内容で判定）',
  },
  pythonSeedEdited: {
    en: 'the seed’s version number, but this file differs from that release',
    ja: 'シードと同じ版番号ですが、このファイルはそのリリースと異なります',
  },
  pythonVersionUnknown: { en: 'version unknown', ja: '版は不明' },
  pythonNotSeedText: {
    en: 'not the seed’s text ({0}): lines may differ',
    ja: 'シード（{0}）の内容ではありません：行が異なる場合があります',
  },
  pythonFailed: {
    en: 'The Python source could not be read: {0}',
    ja: 'Python ソースを読めませんでした：{0}',
  },
  pausedFor: { en: 'paused {0}', ja: '一時停止 {0}' },
  pythonLacking: {
    en: '{0} (in {1}) has no {2} in {3}. The seed’s version, {4}, has it.',
    ja: '{0}（{1}）の {3} には {2} がありません。シードの版 {4} にはあります。',
  },
  pythonLackingGone: {
    en: '{0} (in {1}) has no {2} in {3}: it was removed in {5}. The seed’s version, {4}, has it.',
    ja: '{0}（{1}）の {3} には {2} がありません（{5} で削除）。シードの版 {4} にはあります。',
  },
  pythonNoCopy: {
    en: 'No copy of this Python package was found on this machine (the seed’s version is {0}).',
    ja: 'このマシンにはこの Python パッケージのコピーが見つかりません（シードの版は {0}）。',
  },
  idleCloseNote: {
    en: 'Paused, the cloud keeps this run’s sockets open, except for this scenario’s own fault: it closes a keep-alive socket after 200 ms idle, paused or not, so the second update meets the dropped connection as it would unpaused.',
    ja: '一時停止中、クラウドはこの実行のソケットを開いたままにします。ただしこのシナリオの障害だけは別で、一時停止していてもアイドル 200 ms で keep-alive ソケットを閉じます。そのため 2 回目の更新は、止めずに実行したときと同じく切断済みの接続に出会います。',
  },
  stepDecisions: { en: 'Step at decisions too', ja: '判断でも止める' },
  stepDecisionsHint: {
    en: 'Step mode also stops at each decision a layer takes: pool hit or miss, re-authenticate, retry, redirect. A replay stops there too.',
    ja: 'ステップ実行で、レイヤーの判断（プールのヒット／ミス、再認証、リトライ、リダイレクト）ごとにも止まります。再生でも同じです。',
  },
} as const satisfies Record<string, Record<Lang, string>>;

export type StepStringKey = keyof typeof STEP_STRINGS;

/** A stepping label in the page's language, with `{0}`, `{1}`... filled in. */
export function ts(key: StepStringKey, ...args: (string | number)[]): string {
  const text: string = STEP_STRINGS[key][lang()];
  return args.length === 0
    ? text
    : text.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}
