// The analysis bar speaks both languages: every layer filter, statistics column and summary row
// has a label in the table, the English ones are the names the page is found by, and the bar's
// views put no fixed English text on screen past the table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIND_LAYER_LABEL, STATS_COLUMNS, SUMMARY_LABEL } from '../../../web/analysis-pane.js';
import { FIND_LAYERS } from '../../../web/find.js';
import { STRINGS, type StringKey } from '../../../web/i18n.js';
import { SUMMARY_ROWS } from '../../../web/trace-stats.js';

const JAPANESE = /[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]/;

function both(key: StringKey): { en: string; ja: string } {
  return STRINGS[key] as { en: string; ja: string };
}

describe('analysis bar labels', () => {
  it('name every layer filter: the layer id in English; in Japanese the Python package as it is, the rest translated', () => {
    const packages = new Set(['novaclient', 'keystoneauth1', 'requests', 'urllib3']);
    for (const layer of FIND_LAYERS) {
      const key = FIND_LAYER_LABEL[layer];
      expect(key, layer).toBeDefined();
      expect(both(key).en).toBe(layer);
      if (packages.has(layer)) expect(both(key).ja, layer).toBe(layer);
      else expect(both(key).ja, layer).toMatch(JAPANESE);
    }
    expect(both('findFilters').ja).toMatch(JAPANESE);
  });

  it('name every summary row exactly as the issue does, and translate it', () => {
    for (const [row, english] of SUMMARY_ROWS) {
      const key = SUMMARY_LABEL[row];
      expect(key, row).toBeDefined();
      expect(both(key).en).toBe(english);
      expect(both(key).ja, row).toMatch(JAPANESE);
    }
  });

  it('translate the column heads, Find and its count', () => {
    for (const key of [
      ...STATS_COLUMNS,
      'find',
      'findPlaceholder',
      'findResults',
      'findCount',
      'statsMore',
      'traceStats',
    ] as StringKey[])
      expect(both(key).ja, key).toMatch(JAPANESE);
    expect(both('find').en).toBe('Find');
    expect(both('findResults').en).toBe('Find results');
    expect(both('traceStats').en).toBe('Trace statistics');
  });

  it('leave no fixed English text in the views of the bar', () => {
    const dir = join(import.meta.dirname, '../../../web');
    const fixed = [
      // an attribute a person reads or hears, given as a literal
      /'aria-label': '[^']*[A-Za-z]/g,
      /placeholder: '[^']*[A-Za-z]/g,
      /title: '[^']*[A-Za-z]/g,
      // a literal as the text of an element: h('th', …, 'count')
      /h\(\s*'(?:caption|th|td|summary|h3|h4|label|p|button|option)',\s*(?:null|\{[^}]*\}),\s*'[^']*[A-Za-z]/g,
      // an `n of m` made by hand
      /`\$\{[^`]*\} of \$\{/g,
    ];
    for (const file of ['analysis-pane.ts', 'lanes-view.ts', 'wire-tab.ts', 'minimap.ts']) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const re of fixed) expect(text.match(re) ?? [], `${file}: ${re}`).toEqual([]);
    }
  });
});
