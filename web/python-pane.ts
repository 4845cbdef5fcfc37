/**
 * @module
 * The Python pane, beside the TypeScript source: the upstream function the selected layer
 * ports, read by the server from a local copy (`GET /api/python`, src/viewer/python-source.ts),
 * labelled with the version found, with the line that corresponds to the stop shown lit: the
 * `def` at an entry, the last `return` at a return, a `raise` at a raise, and at a decision the
 * line that logs the decision's message. With no copy on the machine the pane says how to get one.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import type { PythonSource } from '../src/viewer/python-source.js';
import type { PausePoint } from '../src/viewer/types.js';
import { api, userMessage } from './api.js';
import { h, replace } from './dom.js';
import type { Token, TokenKind } from './highlight.js';
import { t } from './i18n.js';
import { ts } from './i18n-step.js';
import { upstreamUrl } from './source-view.js';
import type { Store } from './store.js';

const PROJECTS = new Set(['novaclient', 'requests', 'urllib3', 'keystoneauth1']);

/**
 * Spans named for what they stand for rather than a Python function: the function they port.
 * `nova volume-update` is the command line, `OpenStackComputeShell.main` in novaclient/shell.py.
 */
const PYTHON_NAME: Readonly<Record<string, string>> = {
  'nova volume-update': 'OpenStackComputeShell.main',
};

/** What to ask `/api/python` for a span, or undefined when it ports no Python function. */
export function pythonQuery(
  span: SpanRecord
): { project: string; file: string; name: string } | undefined {
  const layer = span.attributes['novatrace.layer'];
  const file = span.attributes['novatrace.upstream.file'];
  const own = span.attributes['code.function.name'];
  const name = typeof own === 'string' ? (PYTHON_NAME[own] ?? own) : own;
  if (span.kind === 'client' || span.kind === 'server') return undefined;
  if (typeof layer !== 'string' || !PROJECTS.has(layer)) return undefined;
  if (typeof file !== 'string' || typeof name !== 'string') return undefined;
  if (!/^[\w/]+\.py$/.test(file) || !/^[\w.]{1,120}$/.test(name)) return undefined;
  return { project: layer, file, name };
}

/** The literal text a Python log call starts with (`'Starting new HTTP connection (%d): %s'`). */
function logLiteral(line: string): string | undefined {
  const m = /\blog\.\w+\(\s*(['"])(.*?)\1/.exec(line);
  if (!m?.[2]) return undefined;
  return m[2].split(/%[-#0 +]*\d*(?:\.\d+)?[sdrfi]|\{/)[0]?.trim();
}

/**
 * The 0-based line of a Python function's text that corresponds to a stop.
 * @example
 * pythonLineFor('def f(x):\n    return x', { kind: 'return' }) // 1
 */
export function pythonLineFor(
  text: string,
  stop: Pick<PausePoint, 'kind' | 'message' | 'event'> | undefined
): number {
  const lines = text.split('\n');
  const def = Math.max(
    0,
    lines.findIndex((l) => /^\s*def\s/.test(l))
  );
  if (!stop || stop.kind === 'entry') return def;
  const last = (re: RegExp) => {
    for (let i = lines.length - 1; i > def; i--) if (re.test(lines[i] as string)) return i;
    return -1;
  };
  if (stop.kind === 'return') {
    const r = last(/^\s*return\b/);
    return r >= 0 ? r : lines.length - 1;
  }
  if (stop.kind === 'raise') {
    const r = last(/^\s*raise\b/);
    return r >= 0 ? r : def;
  }
  const message = stop.message ?? stop.event ?? '';
  let best = -1;
  let bestLen = 0;
  for (let i = def; i < lines.length; i++) {
    const lit = logLiteral(lines[i] as string);
    if (lit && lit.length >= 6 && message.startsWith(lit) && lit.length > bestLen) {
      best = i;
      bestLen = lit.length;
    }
  }
  return best >= 0 ? best : branchLine(lines, def, `${stop.event ?? ''} ${message}`);
}

/**
 * A decision that logs nothing (`no management_url: authenticate`): the first line after the
 * `def` that names most of the decision's words (`if not self.management_url:`), code only, not
 * docstrings or comments; the `def` when no line names any.
 */
function branchLine(lines: readonly string[], def: number, words: string): number {
  const wanted = [...new Set(words.toLowerCase().match(/[a-z_][a-z0-9_]{3,}/g) ?? [])];
  let best = def;
  let bestScore = 0;
  let inDoc = false;
  for (let i = def + 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    const quotes = (line.match(/"""|'''/g) ?? []).length;
    if (inDoc || quotes > 0) {
      if (quotes % 2 === 1) inDoc = !inDoc;
      continue;
    }
    if (line.startsWith('#')) continue;
    const code = line.toLowerCase().split('#')[0] ?? '';
    const score = wanted.filter((w) => new RegExp(`\\b${w}\\b`).test(code)).length;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

const PY_KEYWORDS = new Set(
  (
    'and as assert break class continue def del elif else except False finally for from global if ' +
    'import in is lambda None nonlocal not or pass raise return self True try while with yield'
  ).split(' ')
);

/** Splits Python text into lines of tokens: comments, strings (triple quotes across lines),
 * keywords, numbers, calls. It only classifies; the view puts each piece in a text node. */
export function highlightPython(text: string): Token[][] {
  const out: Token[][] = [];
  let triple: string | undefined;
  for (const line of text.split('\n')) {
    const tokens: Token[] = [];
    const push = (kind: TokenKind, s: string) => {
      if (s) tokens.push({ kind, text: s });
    };
    let i = 0;
    if (triple) {
      const end = line.indexOf(triple);
      if (end < 0) {
        push('string', line);
        out.push(tokens);
        continue;
      }
      push('string', line.slice(0, end + 3));
      i = end + 3;
      triple = undefined;
    }
    let plain = '';
    const flush = () => {
      push('plain', plain);
      plain = '';
    };
    while (i < line.length) {
      const c = line[i] as string;
      if (c === '#') {
        flush();
        push('comment', line.slice(i));
        break;
      }
      if (c === '"' || c === "'") {
        flush();
        const q3 = line.slice(i, i + 3);
        if (q3 === c.repeat(3)) {
          const end = line.indexOf(q3, i + 3);
          if (end < 0) {
            push('string', line.slice(i));
            triple = q3;
            break;
          }
          push('string', line.slice(i, end + 3));
          i = end + 3;
          continue;
        }
        let j = i + 1;
        while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
        push('string', line.slice(i, j + 1));
        i = j + 1;
        continue;
      }
      const word = /^[A-Za-z_]\w*/.exec(line.slice(i))?.[0];
      if (word) {
        const kind: TokenKind | undefined = PY_KEYWORDS.has(word)
          ? 'keyword'
          : line[i + word.length] === '('
            ? 'call'
            : undefined;
        if (kind) {
          flush();
          push(kind, word);
        } else plain += word;
        i += word.length;
        continue;
      }
      const num = /^\d+(\.\d+)?/.exec(line.slice(i))?.[0];
      if (num && !/\w/.test(plain.slice(-1))) {
        flush();
        push('number', num);
        i += num.length;
        continue;
      }
      plain += c;
      i++;
    }
    flush();
    out.push(tokens);
  }
  return out;
}

/** What the head says of the version found: which, how it is known, and whether it is the seed's. */
export function versionLabel(src: Extract<PythonSource, { found: true }>): string {
  if (src.version === 'unknown') {
    return src.seedText === false
      ? `${ts('pythonVersionUnknown')} · ${ts('pythonNotSeedText', src.seedVersion)}`
      : ts('pythonVersionUnknown');
  }
  if (!src.isSeedVersion) return `${src.version} · ${ts('pythonNotSeed', src.seedVersion)}`;
  if (src.seedText === false) return `${src.version} · ${ts('pythonSeedEdited')}`;
  return `${src.version} · ${src.versionFrom === 'text' ? ts('pythonSeedByText') : ts('pythonSeed')}`;
}

export class PythonPane {
  readonly el: HTMLElement;
  readonly #head = h('div', { class: 'source-head' });
  readonly #body: HTMLElement;
  readonly #cache = new Map<string, Promise<PythonSource>>();
  readonly #store: Store;
  readonly #selected: () => SpanRecord | undefined;
  #token = 0;
  #key = '';

  /** @param selected the span the panes describe (the tree's or compare's selection) */
  constructor(store: Store, selected: () => SpanRecord | undefined) {
    this.#store = store;
    this.#selected = selected;
    this.#body = h('div', { class: 'source-body', tabindex: '0' });
    this.el = h(
      'section',
      { class: 'source python-pane', id: 'python-pane' },
      this.#head,
      this.#body
    );
    store.subscribe(
      ['selected', 'current', 'spans', 'stopShown', 'lang', 'view', 'compareSel'],
      () => this.render()
    );
  }

  render(): void {
    const span = this.#selected();
    const stop = this.#store.state.stopShown;
    const at = stop && span && stop.spanId === span.spanId ? stop : undefined;
    const key = [span?.spanId, span?.name, at?.index, at?.kind, this.#store.state.lang].join('|');
    if (key === this.#key) return;
    this.#key = key;
    this.el.setAttribute('aria-label', ts('pythonPane'));
    this.#body.setAttribute('aria-label', ts('pythonPane'));
    const token = ++this.#token;
    const label = h('span', { class: 'src-label' }, ts('pythonPane'));
    const q = span ? pythonQuery(span) : undefined;
    if (!q) {
      this.el.classList.add('empty');
      replace(
        this.#head,
        label,
        h('span', { class: 'muted' }, span ? ts('pythonNotLayer') : ts('pythonNone'))
      );
      replace(this.#body);
      return;
    }
    this.el.classList.remove('empty');
    replace(this.#head, label, h('code', { class: 'src-path' }, q.name));
    replace(this.#body, h('p', { class: 'muted pad' }, ts('pythonLoading')));
    const cacheKey = `${q.project}|${q.file}|${q.name}`;
    let answer = this.#cache.get(cacheKey);
    if (!answer) {
      answer = api.python(q.project, q.file, q.name);
      this.#cache.set(cacheKey, answer);
      answer.catch(() => this.#cache.delete(cacheKey));
    }
    answer.then(
      (src) => {
        if (token === this.#token) this.#show(src, q.name, at, this.#link(span, q));
      },
      (err: unknown) => {
        if (token !== this.#token) return;
        replace(this.#body, h('p', { class: 'muted pad' }, ts('pythonFailed', userMessage(err))));
      }
    );
  }

  /** The upstream file at the seed's version, online (for a class with a network). */
  #link(span: SpanRecord | undefined, q: { project: string; file: string }): HTMLElement | null {
    const version = span?.attributes['novatrace.upstream.version'];
    const url = upstreamUrl(q.project, q.file, typeof version === 'string' ? version : '');
    return url
      ? h(
          'a',
          { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'src-link' },
          `${t('upstreamAt')} ↗`
        )
      : null;
  }

  #show(
    src: PythonSource,
    name: string,
    stop: PausePoint | undefined,
    link: HTMLElement | null
  ): void {
    if (!src.found) {
      replace(
        this.#head,
        h('span', { class: 'src-label' }, ts('pythonPane')),
        h('code', { class: 'src-path' }, name),
        link
      );
      replace(
        this.#body,
        h(
          'div',
          { class: 'pad python-missing' },
          h(
            'p',
            null,
            src.lacking
              ? ts(
                  src.lacking.goneIn ? 'pythonLackingGone' : 'pythonLacking',
                  `${src.lacking.project} ${src.version ?? ''}`.trim(),
                  src.lacking.base,
                  src.lacking.qualname,
                  src.lacking.file,
                  src.seedVersion,
                  src.lacking.goneIn ?? ''
                )
              : ts('pythonNoCopy', src.seedVersion)
          ),
          h('p', { class: 'muted' }, ts('pythonHowTo'))
        )
      );
      return;
    }
    replace(
      this.#head,
      h('span', { class: 'src-label' }, ts('pythonPane')),
      h(
        'code',
        { class: 'src-path', title: `${src.root}/${src.file}` },
        `${src.file}:${src.startLine}${src.definedIn ? ` (${src.definedIn})` : ''}`
      ),
      h(
        'span',
        {
          class:
            src.isSeedVersion && src.seedText !== false ? 'src-version' : 'src-version not-seed',
          // Short screens cut the head to one line: the whole sentence stays in the tooltip.
          title: versionLabel(src),
        },
        versionLabel(src)
      ),
      link
    );
    const lit = pythonLineFor(src.text, stop);
    const rows = highlightPython(src.text).map((tokens, i) =>
      h(
        'div',
        { class: i === lit ? 'src-line lit' : 'src-line' },
        h('span', { class: 'ln', 'aria-hidden': 'true' }, String(src.startLine + i)),
        h(
          'span',
          { class: 'lc' },
          ...tokens.map((tok) =>
            tok.kind === 'plain' ? tok.text : h('span', { class: `tk-${tok.kind}` }, tok.text)
          )
        )
      )
    );
    const code = h('div', { class: 'code' }, ...rows);
    replace(this.#body, code);
    const el = rows[lit];
    // At the next frame, when its layout is done (no second layout of the text now).
    if (el)
      requestAnimationFrame(() => {
        if (el.isConnected)
          this.#body.scrollTop = Math.max(0, el.offsetTop - this.#body.clientHeight / 2 + 10);
      });
  }
}
