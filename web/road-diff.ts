/**
 * @module
 * The narrated difference between one scenario's two roads: the seed note's `HTTPClient` road
 * and the `nova` command's keystoneauth1 session road. Every sentence is computed from the two
 * traces themselves (their wire spans, their connection lanes through {@link traceStatistics},
 * their layer spans, decisions and outcome), never from a scenario's description, in English
 * and Japanese. Pure code.
 */
import type { Narration } from './narration.js';
import type { SpanNode, TraceTree } from './model.js';
import { stringAttr } from './span-facts.js';
import { traceStatistics, type SummaryCounts } from './trace-stats.js';

/** A road as a trace's root span names it (`novatrace.road`). */
export type Road = 'note' | 'nova';

/** What one road's trace did, as the narration needs it. */
export interface RoadFacts {
  readonly counts: SummaryCounts;
  /** `nova volume-update` invocations in the trace (a two-step scenario runs the command twice). */
  readonly invocations: number;
  /** Version documents read by keystoneauth1 discovery: the identity one (`GET /v3`), as paths. */
  readonly identityDiscovery: readonly string[];
  /** Compute version documents read (`GET /v2.1`), as paths. */
  readonly computeDiscovery: readonly string[];
  /** Where a 401 was handled: `HTTPClient._cs_request` or keystoneauth1's `Session.request`. */
  readonly reauthentications: number;
  /** `ERROR (Class)` of the run's outcome, or undefined when it succeeded. */
  readonly errorClass: string | undefined;
  readonly exitCode: string | undefined;
}

const REAUTH_KEYS = new Set([
  '401: re-authenticate and retry',
  '401: invalidate the token and resend',
]);

/** keystoneauth1's sign-in spans (below a request they run before it is sent). */
const SIGN_IN = /^(Adapter\.get_endpoint|BaseIdentityPlugin\.|BaseGenericPlugin\.)/;

/** The path of a span's `url.full` (or its `url.path`), without the query. */
function pathOf(node: SpanNode): string {
  const a = node.span.attributes;
  const url = stringAttr(a, 'url.full') ?? stringAttr(a, 'url.path') ?? '';
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? '';
  }
}

/** The road of a trace: its root span's `novatrace.road`, if any. */
export function roadOf(tree: TraceTree): Road | undefined {
  for (const root of tree.roots) {
    const road = root.span.attributes['novatrace.road'];
    if (road === 'note' || road === 'nova') return road;
  }
  return undefined;
}

/** The scenario of a trace: its root span's `novatrace.scenario`, if any. */
export function scenarioOf(tree: TraceTree): string | undefined {
  for (const root of tree.roots) {
    const name = root.span.attributes['novatrace.scenario'];
    if (typeof name === 'string' && name) return name;
  }
  return undefined;
}

/** Reads what the narration compares from one trace. */
export function roadFacts(tree: TraceTree): RoadFacts {
  const identity: string[] = [];
  const compute: SpanNode[] = [];
  let invocations = 0;
  let reauth = 0;
  let errorClass: string | undefined;
  let exitCode: string | undefined;
  for (const node of tree.byId.values()) {
    const { span } = node;
    const key = stringAttr(span.attributes, 'novatrace.layer_key') ?? span.name;
    if (span.name === 'nova volume-update' && span.kind !== 'client') invocations++;
    if (key === 'discover.get_version_data') identity.push(pathOf(node));
    if (key === 'VersionManager.get_current') {
      // Each version document GET it made is a wire span below it; the sign-in it may set off
      // first (the endpoint and the token, from the auth plugin) is not.
      const stack = [...node.children];
      while (stack.length > 0) {
        const n = stack.pop() as SpanNode;
        const k = stringAttr(n.span.attributes, 'novatrace.layer_key') ?? n.span.name;
        if (SIGN_IN.test(k)) continue;
        if (n.span.kind === 'client') compute.push(n);
        else stack.push(...n.children);
      }
    }
    for (const e of span.events) {
      const k = e.attributes['novatrace.event'];
      if (typeof k === 'string' && REAUTH_KEYS.has(k)) reauth++;
    }
    if (!node.parent && span.attributes['novatrace.road'] !== undefined) {
      const code = span.attributes['novatrace.exit_code'];
      exitCode = code === undefined ? undefined : String(code);
      const m = /^ERROR \(([\w.]+)\)/.exec(span.status.message ?? '');
      errorClass = m?.[1];
    }
  }
  return {
    counts: traceStatistics(tree).summary,
    invocations,
    identityDiscovery: identity,
    computeDiscovery: [
      ...new Set(compute.sort((x, y) => x.startMs - y.startMs).map((n) => pathOf(n))),
    ],
    reauthentications: reauth,
    errorClass,
    exitCode,
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The sentences that tell the two roads of one scenario apart, note's road first.
 * @example
 * roadStory(roadFacts(happyNote), roadFacts(happyNova))[0].en
 * // "The note's client opens 3 connections, the session 1."
 */
export function roadStory(note: RoadFacts, nova: RoadFacts): Narration[] {
  const out: Narration[] = [];
  const a = note.counts;
  const b = nova.counts;
  if (a.connectionsOpened !== b.connectionsOpened) {
    out.push({
      en: `The note's client opens ${plural(a.connectionsOpened, 'connection', 'connections')}, the session ${b.connectionsOpened}.`,
      ja: `ノートのクライアントは接続を ${a.connectionsOpened} 本開き、セッションは ${b.connectionsOpened} 本です。`,
    });
  } else {
    out.push({
      en: `Both roads open ${plural(a.connectionsOpened, 'connection', 'connections')}.`,
      ja: `どちらの道も接続を ${a.connectionsOpened} 本開きます。`,
    });
  }
  if (a.httpRequests !== b.httpRequests) {
    out.push({
      en: `The note's road sends ${plural(a.httpRequests, 'request', 'requests')}, the nova road ${b.httpRequests}.`,
      ja: `ノートの道はリクエストを ${a.httpRequests} 回、nova の道は ${b.httpRequests} 回送ります。`,
    });
  } else {
    out.push({
      en: `Both roads send ${plural(a.httpRequests, 'request', 'requests')}.`,
      ja: `どちらの道もリクエストを ${a.httpRequests} 回送ります。`,
    });
  }
  const idDocs = [...new Set(nova.identityDiscovery)];
  if (idDocs.length > 0 && note.identityDiscovery.length === 0) {
    const gets = idDocs.map((p) => `GET ${p}`).join(', ');
    const compute = nova.computeDiscovery.map((p) => `GET ${p}`).join(', ');
    out.push(
      compute
        ? {
            en: `The session discovers the Keystone version first (${gets}), and the compute microversion before the real work (${compute}); the note's road asks for neither.`,
            ja: `セッションはまず Keystone のバージョンを調べ(${gets})、本題の前にコンピュートのマイクロバージョンも調べます(${compute})。ノートの道はどちらも尋ねません。`,
          }
        : {
            en: `The session discovers the Keystone version first (${gets}); the note's road posts straight to tokens.`,
            ja: `セッションはまず Keystone のバージョンを調べます(${gets})。ノートの道はいきなり tokens に POST します。`,
          }
    );
  }
  if (a.authentications !== b.authentications) {
    out.push({
      en: `Authentications: ${a.authentications} on the note's road, ${b.authentications} on the nova road.`,
      ja: `認証の回数は、ノートの道で ${a.authentications} 回、nova の道で ${b.authentications} 回です。`,
    });
  } else if (a.authentications > 0) {
    out.push({
      en: `Both roads authenticate ${a.authentications === 1 ? 'once' : `${a.authentications} times`}.`,
      ja: `どちらの道も認証は ${a.authentications} 回です。`,
    });
  }
  const [ra, rb] = [note.reauthentications, nova.reauthentications];
  if (ra > 0 && rb > 0) {
    out.push({
      en: `After a 401 the note's road signs in again in HTTPClient._cs_request (${ra}×), the nova road in keystoneauth1's Session.request (${rb}×).`,
      ja: `401 の後、ノートの道は HTTPClient._cs_request で(${ra} 回)、nova の道は keystoneauth1 の Session.request で(${rb} 回)サインインし直します。`,
    });
  } else if (ra > 0) {
    out.push({
      en: `The note's road meets a 401 and signs in again in HTTPClient._cs_request (${ra}×); the nova road meets none.`,
      ja: `ノートの道は 401 を受けて HTTPClient._cs_request でサインインし直します(${ra} 回)。nova の道は 401 を受けません。`,
    });
  } else if (rb > 0) {
    out.push({
      en: `The nova road meets a 401 and signs in again in keystoneauth1's Session.request (${rb}×); the note's road meets none.`,
      ja: `nova の道は 401 を受けて keystoneauth1 の Session.request でサインインし直します(${rb} 回)。ノートの道は 401 を受けません。`,
    });
  }
  if (nova.invocations > 1) {
    out.push({
      en: `The nova road runs the command ${nova.invocations} times: each nova process starts cold, with its own session, pool and token, so nothing is warm across them.`,
      ja: `nova の道はコマンドを ${nova.invocations} 回実行します。nova のプロセスは毎回セッション、プール、トークンを新しく作って冷えた状態から始まるので、プロセスをまたいで温まるものはありません。`,
    });
  }
  if (note.errorClass !== nova.errorClass) {
    const say = (c: string | undefined, L: 'en' | 'ja') =>
      c ? `ERROR (${c})` : L === 'en' ? 'success' : '成功';
    out.push({
      en: `The note's road ends in ${say(note.errorClass, 'en')}, the nova road in ${say(nova.errorClass, 'en')}.`,
      ja: `ノートの道の結果は ${say(note.errorClass, 'ja')}、nova の道は ${say(nova.errorClass, 'ja')} です。`,
    });
  } else if (note.errorClass) {
    out.push({
      en: `Both roads end in ERROR (${note.errorClass}).`,
      ja: `どちらの道も ERROR (${note.errorClass}) で終わります。`,
    });
  }
  return out;
}
