// The span names the walkthroughs quote are the ones a learner sees: each layer heading names a
// span of the recorded traces, every name in the docs' text trees is in them, a text tree starts
// at its trace's root, and that root is `scenario <name>` in every recorded trace.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceFile } from '../../src/telemetry/trace-file.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WALKTHROUGHS = ['docs/walkthrough.md', 'docs/walkthrough.ja.md'];

const traces = readdirSync(join(ROOT, 'traces'))
  .filter((f) => f.endsWith('.json'))
  .map((file) => {
    const spans = readTraceFile(readFileSync(join(ROOT, 'traces', file), 'utf8'));
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    return { file, names: new Set(spans.map((s) => s.name)), roots: roots.map((s) => s.name) };
  });
const allNames = new Set(traces.flatMap((t) => [...t.names]));

/** A name as the docs print it (`PUT /v2.1/… (server) [nova-api]`, `GET (client)`) found among span names. */
function known(shown: string): boolean {
  const name = shown
    .replace(/\s+\[[\w-]+\]$/, '')
    .replace(/\s+\((client|server)\)$/, '')
    .trim();
  if (name.endsWith('…')) {
    const prefix = name.slice(0, -1);
    return [...allNames].some((n) => n.startsWith(prefix));
  }
  return allNames.has(name);
}

describe('span names in the walkthroughs', () => {
  it('every recorded trace has one root, named scenario <name>', () => {
    expect(traces.length).toBeGreaterThan(0);
    for (const t of traces) {
      expect(t.roots, t.file).toEqual([`scenario ${t.file.replace(/(\.nova)?\.json$/, '')}`]);
    }
  });

  it.each(WALKTHROUGHS)('%s names the root as it appears', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    expect(text).toContain('`scenario happy`');
    expect(text).not.toMatch(/The root span\. The shell|^ルートスパンです。/m);
  });

  it.each(WALKTHROUGHS)('%s: each layer heading quotes span names of the traces', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const headings = [...text.matchAll(/^### \d+\. (.*)$/gm)].map((m) => m[1] as string);
    expect(headings.length).toBeGreaterThanOrEqual(13);
    let quoted = 0;
    for (const heading of headings) {
      for (const m of heading.matchAll(/`([^`]+)`/g)) {
        quoted++;
        expect(allNames.has(m[1] as string), `${m[1]} in "${heading}"`).toBe(true);
      }
    }
    expect(quoted).toBeGreaterThanOrEqual(15);
  });

  it.each(WALKTHROUGHS)('%s: the text trees show span names of the traces', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const blocks = [...text.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    let rows = 0;
    for (const block of blocks) {
      const lines = block.split('\n').filter((l) => l.trim() !== '');
      const tree = lines[0]?.startsWith('trace ') ? lines.slice(1) : undefined;
      if (!tree) continue;
      const [rootLine] = tree;
      const root = rootLine?.split(/\s{2,}/)[0]?.trim() ?? '';
      expect(root, `first row of a tree in ${doc}`).toMatch(/^scenario [\w-]+$/);
      for (const line of tree) {
        if (line.trim().startsWith('·') || line.trim().startsWith('✗')) continue;
        if (/^\s*\.\.\.|^\s*…$/.test(line)) continue;
        const name = line.trim().split(/\s{2,}/)[0] as string;
        rows++;
        expect(known(name), `"${name}" in ${doc}`).toBe(true);
      }
    }
    expect(rows).toBeGreaterThan(10);
  });
});
