// Every label of the page exists in English and in Japanese, and the detail pane's fixed labels
// (span id, trace id, parent, scope, the span kind) go through the table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRINGS } from '../../../web/i18n.js';

/** Labels that read the same in both languages (names, formats, letters). */
// Names that are the same in both languages: file formats, side letters, and the Python package
// names of the layer filters (not translated, as span names are not).
const SAME = new Set([
  'downloadOtlp',
  'downloadJaeger',
  'compareA',
  'compareB',
  'findLayerNovaclient',
  'findLayerKeystoneauth1',
  'findLayerRequests',
  'findLayerUrllib3',
]);

describe('page labels', () => {
  it('have an English and a Japanese text each, the Japanese one translated', () => {
    const missing: string[] = [];
    for (const [key, text] of Object.entries(STRINGS)) {
      const { en, ja } = text as { en?: string; ja?: string };
      if (!en?.trim()) missing.push(`${key}: en`);
      if (!ja?.trim()) missing.push(`${key}: ja`);
      else if (!SAME.has(key) && ja === en) missing.push(`${key}: ja is the English text`);
      else if (!SAME.has(key) && !/[\u3000-\u30ff\u4e00-\u9fff]/.test(ja))
        missing.push(`${key}: ja has no Japanese character`);
    }
    expect(missing).toEqual([]);
  });

  it('cover the detail pane labels issue 9 found untranslated', () => {
    for (const key of ['spanId', 'traceId', 'parent', 'scope', 'internal', 'details'])
      expect(STRINGS).toHaveProperty(key);
    const detail = readFileSync(join(import.meta.dirname, '../../../web/detail-view.ts'), 'utf8');
    for (const raw of ["'span id'", "'trace id'", "'parent'", "'scope'"])
      expect(detail.includes(`h('dt', null, ${raw})`), raw).toBe(false);
  });

  it('every data-i18n key used by the views exists', () => {
    const dir = join(import.meta.dirname, '../../../web');
    const files = ['main.ts', 'topbar.ts', 'tree-pane.ts', 'tree-view.ts', 'detail-pane.ts'];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/'data-i18n(?:-label)?': '(\w+)'/g))
        expect(STRINGS, `${f}: ${m[1]}`).toHaveProperty(m[1] as string);
    }
  });
});
