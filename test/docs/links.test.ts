// The docs' link checker: every relative link and image path in README.md and docs/**/*.md
// points at a file of this repository (and a `#anchor` at a heading of the target, with
// GitHub's slugs); every image the docs show is one a test or script of ours produces; the
// English and Japanese walkthroughs keep the same sections, images and links.
// External http(s) links are allowed and never fetched.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

// ---------------------------------------------------------------------------------------------
// The checker.

/** One link or image reference found in a Markdown file. */
interface LinkRef {
  target: string;
  line: number;
  image: boolean;
}

/** Something wrong with one reference. */
interface LinkProblem {
  file: string;
  line: number;
  target: string;
  reason: string;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp']);

/**
 * The lines of a Markdown text with fenced code blocks blanked and inline code spans removed,
 * so a link-like text inside code is not taken for a link. Line numbers are kept.
 */
function proseLines(markdown: string): string[] {
  return proseLinesKeepingCode(markdown).map((line) =>
    line === null ? '' : line.replace(/(`+)[\s\S]*?\1/g, '')
  );
}

/** A URL of an inline link: `<...>`, or no spaces with at most one level of balanced parens. */
const URL_PART = String.raw`(<[^>]*>|(?:[^()\s]|\([^()\s]*\))+)`;
/** `[text](target "title")` and `![alt](src)`; the text may not hold brackets. */
const INLINE_LINK = new RegExp(
  String.raw`(!?)\[[^\]]*\]\(\s*` + URL_PART + String.raw`(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)`,
  'g'
);
/** The outer link of `[![alt](img)](target)`. */
const LINKED_IMAGE = new RegExp(String.raw`\]\([^)]*\)\]\(\s*` + URL_PART, 'g');

/** Every link and image target of a Markdown text: inline, reference definitions, HTML. */
function extractLinks(markdown: string): LinkRef[] {
  const refs: LinkRef[] = [];
  proseLines(markdown).forEach((text, i) => {
    const line = i + 1;
    // `](target "title")`: the tail of every inline link and image, nested or not.
    for (const m of text.matchAll(INLINE_LINK)) {
      refs.push({ target: m[2]!.replace(/^<|>$/g, ''), line, image: m[1] === '!' });
    }
    // A link whose text holds an image: `[![alt](img)](target)`.
    for (const m of text.matchAll(LINKED_IMAGE)) {
      refs.push({ target: m[1]!.replace(/^<|>$/g, ''), line, image: false });
    }
    const def = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(text);
    if (def) refs.push({ target: def[1]!.replace(/^<|>$/g, ''), line, image: false });
    for (const m of text.matchAll(
      /<(img|a|source)\b[^>]*?\s(src|href|srcset)\s*=\s*("[^"]*"|'[^']*')/gi
    )) {
      refs.push({ target: m[3]!.slice(1, -1), line, image: m[1]!.toLowerCase() !== 'a' });
    }
  });
  return refs;
}

/** Heading text as GitHub renders it: inline markup gone, the words kept. */
function headingText(raw: string): string {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images → their text
    .replace(/<[^>]+>/g, '') // HTML tags
    .replace(/`/g, '') // code spans keep their content
    .replace(/\*\*|\*|~~/g, '') // emphasis
    .trim();
}

/**
 * GitHub's anchor for a heading (what github-slugger does): lower case, characters other than
 * letters, marks, digits, connector punctuation, spaces and hyphens dropped, spaces become
 * hyphens; a repeated slug gets `-1`, `-2`...
 * @param seen slugs already used in the same file (updated)
 */
function githubSlug(text: string, seen: Map<string, number> = new Map()): string {
  const base = headingText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
  const count = seen.get(base);
  seen.set(base, (count ?? -1) + 1);
  return count === undefined ? base : `${base}-${count + 1}`;
}

/** The anchors a Markdown file offers: heading slugs plus explicit `id`/`name` attributes. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const lines = proseLinesKeepingCode(markdown);
  lines.forEach((line, i) => {
    if (line === null) return;
    const atx = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (atx) {
      anchors.add(githubSlug(atx[1]!, seen));
    } else if (/^ {0,3}(=+|-+)\s*$/.test(line) && i > 0) {
      const previous = lines[i - 1];
      // A setext heading: underlined paragraph text (not a list item, table or rule).
      if (previous && previous.trim() && !/^\s*([-*+]|\d+\.|\||#)/.test(previous)) {
        anchors.add(githubSlug(previous, seen));
      }
    }
    for (const m of line.matchAll(/<[a-z]+\b[^>]*?\s(?:id|name)\s*=\s*("[^"]*"|'[^']*')/gi)) {
      anchors.add(m[1]!.slice(1, -1));
    }
  });
  return anchors;
}

/** Lines with fenced code as `null` (inline code kept: GitHub keeps it in heading slugs). */
function proseLinesKeepingCode(markdown: string): (string | null)[] {
  const lines = markdown.split(/\r?\n/);
  let fence: string | null = null;
  return lines.map((line) => {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (opener && opener[1]![0] === fence[0] && opener[1]!.length >= fence.length) fence = null;
      return null;
    }
    if (opener) {
      fence = opener[1]!;
      return null;
    }
    return line;
  });
}

/** True for links this checker leaves alone: web addresses and mail. */
function isExternal(target: string): boolean {
  return /^(https?:|mailto:)/i.test(target);
}

/**
 * Checks every reference of one Markdown file under `root`.
 * @returns the problems found, none when every link resolves
 */
function checkFile(root: string, file: string): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const text = readFileSync(file, 'utf8');
  const shown = relative(root, file).split(sep).join('/');
  for (const ref of extractLinks(text)) {
    const problem = (reason: string) =>
      problems.push({ file: shown, line: ref.line, target: ref.target, reason });
    if (isExternal(ref.target)) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref.target) || ref.target.startsWith('//')) {
      problem('neither a relative path nor an http(s) link');
      continue;
    }
    const hash = ref.target.indexOf('#');
    const pathPart = (hash >= 0 ? ref.target.slice(0, hash) : ref.target).replace(/\?.*$/, '');
    const anchor = hash >= 0 ? ref.target.slice(hash + 1) : null;
    let path: string;
    try {
      path = decodeURIComponent(pathPart);
    } catch {
      problem('bad percent-encoding');
      continue;
    }
    const resolved =
      path === '' ? file : path.startsWith('/') ? join(root, path) : resolve(dirname(file), path);
    const inside = relative(root, resolved);
    if (inside.startsWith('..') || resolve(root, inside) !== resolved) {
      problem('points outside the repository');
      continue;
    }
    if (!existsSync(resolved)) {
      problem(`no such file: ${inside.split(sep).join('/') || '.'}`);
      continue;
    }
    const isFile = statSync(resolved).isFile();
    if (ref.image && (!isFile || !IMAGE_EXTENSIONS.has(extname(resolved).toLowerCase()))) {
      problem('an image must be an image file');
      continue;
    }
    if (anchor === null || anchor === '') continue;
    let wanted: string;
    try {
      wanted = decodeURIComponent(anchor);
    } catch {
      problem('bad percent-encoding in the anchor');
      continue;
    }
    if (isFile && extname(resolved).toLowerCase() === '.md') {
      if (!anchorsOf(readFileSync(resolved, 'utf8')).has(wanted)) {
        problem(`no heading with the anchor #${wanted}`);
      }
    } else if (isFile && /^L\d+(-L\d+)?$/.test(wanted)) {
      const lineCount = readFileSync(resolved, 'utf8').replace(/\n$/, '').split('\n').length;
      const last = Math.max(...wanted.split('-').map((l) => Number(l.slice(1))));
      if (last > lineCount) problem(`the file has only ${lineCount} lines`);
    } else {
      problem('an anchor into a file that is neither Markdown nor a #L<line> link');
    }
  }
  return problems;
}

/** README.md and every Markdown file under docs/, relative to `root`. */
function docFiles(root: string): string[] {
  const out: string[] = [];
  if (existsSync(join(root, 'README.md'))) out.push('README.md');
  const walk = (dir: string) => {
    if (!existsSync(join(root, dir))) return;
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) out.push(path);
    }
  };
  walk('docs');
  return out.sort();
}

/** The relative image paths a Markdown file shows, resolved against the repository root. */
function imagesOf(root: string, file: string): string[] {
  const refs = extractLinks(readFileSync(join(root, file), 'utf8'));
  return refs
    .filter((r) => r.image && !isExternal(r.target))
    .map((r) =>
      relative(root, resolve(dirname(join(root, file)), r.target))
        .split(sep)
        .join('/')
    );
}

/**
 * Which test or script writes an image of docs/images, by its name:
 * `viewer-<name>.png` comes from the browser test's `shot(page, '<name>')`,
 * `terminal-<name>.png` from an entry `name: '<name>'` of scripts/docs-images.ts.
 * @returns the producing file, or undefined when nothing of ours makes it
 */
function producerOf(root: string, image: string): string | undefined {
  const producers: [RegExp, string, (name: string) => RegExp][] = [
    [
      /^docs\/images\/viewer-([\w-]+)\.png$/,
      'test/browser/viewer.test.ts',
      (n) => new RegExp(`shot\\(page, '${n}'\\)`),
    ],
    [
      /^docs\/images\/terminal-([\w-]+)\.png$/,
      'scripts/docs-images.ts',
      (n) => new RegExp(`name: '${n}'`),
    ],
  ];
  for (const [pattern, producer, call] of producers) {
    const m = pattern.exec(image);
    if (!m) continue;
    const path = join(root, producer);
    return existsSync(path) && call(m[1]!).test(readFileSync(path, 'utf8')) ? producer : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The checker on small samples: it must be able to fail.

describe('githubSlug', () => {
  it('lower-cases, drops punctuation and joins the words with hyphens', () => {
    expect(githubSlug('Layer 3: `HTTPClient._cs_request`')).toBe('layer-3-httpclient_cs_request');
    expect(githubSlug('Ports 4318 and 4317 (OTLP)')).toBe('ports-4318-and-4317-otlp');
    expect(githubSlug('[The pool](x.md) *decides*')).toBe('the-pool-decides');
  });

  it('keeps Japanese text and drops full-width punctuation', () => {
    expect(githubSlug('第3層：urllib3 のプール')).toBe('第3層urllib3-のプール');
    expect(githubSlug('やってみる（予想してから）')).toBe('やってみる予想してから');
  });

  it('numbers a repeated heading as GitHub does', () => {
    const seen = new Map<string, number>();
    expect(['Try it', 'Try it', 'Try it'].map((h) => githubSlug(h, seen))).toEqual([
      'try-it',
      'try-it-1',
      'try-it-2',
    ]);
  });
});

describe('checkFile', () => {
  const sample = mkdtempSync(join(tmpdir(), 'novatrace-links-'));
  afterAll(() => rmSync(sample, { recursive: true, force: true }));

  const write = (path: string, text: string) => {
    const full = join(sample, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    return full;
  };

  it('reports missing files, images, anchors and escapes, and nothing else', () => {
    write('docs/images/shot.png', 'png');
    write('src/code.ts', 'one\ntwo\nthree\n');
    write(
      'docs/other.md',
      '# Other page\n\n## Setup: step `one`\n\nSecond title\n---\n<a id="custom"></a>\n'
    );
    const page = write(
      'docs/page.md',
      [
        '# Page',
        '',
        '## Local part',
        '',
        '[ok](other.md) [ok anchor](other.md#setup-step-one) [setext](other.md#second-title)',
        '[html id](other.md#custom) [here](#local-part) [code](../src/code.ts#L2-L3)',
        '![ok image](images/shot.png) [web](https://example.org/missing) <img src="images/shot.png">',
        '[missing](nothing.md) ![missing image](images/none.png) [bad anchor](other.md#nope)',
        '[outside](../../etc/passwd) [too far](../src/code.ts#L9) [js](javascript:alert(1))',
        '![not an image](other.md) [![badge](images/shot.png)](gone.md)',
        '[ref]: ./also-missing.md',
        '`[in code](nowhere.md)`',
        '```md',
        '[in a fence](nowhere.md)',
        '```',
      ].join('\n')
    );
    const problems = checkFile(sample, page).map((p) => `${p.line} ${p.target}: ${p.reason}`);
    expect(problems).toEqual([
      '8 nothing.md: no such file: docs/nothing.md',
      '8 images/none.png: no such file: docs/images/none.png',
      '8 other.md#nope: no heading with the anchor #nope',
      '9 ../../etc/passwd: points outside the repository',
      '9 ../src/code.ts#L9: the file has only 3 lines',
      '9 javascript:alert(1): neither a relative path nor an http(s) link',
      '10 other.md: an image must be an image file',
      '10 gone.md: no such file: docs/gone.md',
      '11 ./also-missing.md: no such file: docs/also-missing.md',
    ]);
  });

  it('finds README.md and the Markdown files under docs/', () => {
    write('README.md', '# Sample\n');
    expect(docFiles(sample)).toEqual(['README.md', 'docs/other.md', 'docs/page.md']);
  });
});

describe('producerOf', () => {
  it('names the test or script that writes an image, and nothing for a stray one', () => {
    expect(producerOf(ROOT, 'docs/images/viewer-start.png')).toBe('test/browser/viewer.test.ts');
    expect(producerOf(ROOT, 'docs/images/viewer-no-such-shot.png')).toBeUndefined();
    expect(producerOf(ROOT, 'docs/images/photo.png')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// The real docs.

const DOCS = docFiles(ROOT);

describe('the docs', () => {
  it('include the README, both walkthroughs, the Jaeger guide and the architecture page', () => {
    expect(DOCS).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/architecture.md',
        'docs/jaeger.md',
        'docs/walkthrough.ja.md',
        'docs/walkthrough.md',
      ])
    );
  });

  it.each(DOCS)('%s: every relative link and image resolves', (file) => {
    expect(checkFile(ROOT, join(ROOT, file))).toEqual([]);
  });

  it('show only images that a test or script of ours produces', () => {
    const images = [...new Set(DOCS.flatMap((file) => imagesOf(ROOT, file)))].sort();
    expect(images.length).toBeGreaterThan(0);
    const orphans = images.filter((image) => producerOf(ROOT, image) === undefined);
    expect(orphans).toEqual([]);
  });
});

describe('the walkthroughs', () => {
  const en = 'docs/walkthrough.md';
  const ja = 'docs/walkthrough.ja.md';
  const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
  const level2 = (file: string) =>
    proseLinesKeepingCode(read(file)).filter((l) => l !== null && /^## /.test(l)).length;
  const localTargets = (file: string) =>
    extractLinks(read(file))
      .map((r) => r.target)
      .filter((t) => !isExternal(t) && !t.startsWith('#'))
      .map((t) => t.replace(/#.*$/, ''))
      .filter((t) => basename(t) !== basename(en) && basename(t) !== basename(ja));

  it('link each other', () => {
    expect(localTargets(en).length).toBeGreaterThan(0);
    expect(extractLinks(read(en)).some((r) => r.target.startsWith('walkthrough.ja.md'))).toBe(true);
    expect(extractLinks(read(ja)).some((r) => r.target.startsWith('walkthrough.md'))).toBe(true);
  });

  it('have the same sections, images and links in English and Japanese', () => {
    expect(level2(ja)).toBe(level2(en));
    expect(imagesOf(ROOT, ja)).toEqual(imagesOf(ROOT, en));
    expect([...new Set(localTargets(ja))].sort()).toEqual([...new Set(localTargets(en))].sort());
  });
});
