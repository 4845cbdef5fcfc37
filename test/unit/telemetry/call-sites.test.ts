import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callSiteIndex, PACKAGE_ROOT } from '../../../src/telemetry/call-sites.js';
import { LAYERS } from '../../../src/telemetry/layers.js';

describe('callSiteIndex', () => {
  it('finds exactly one layerSpan call site for every layer of the table', () => {
    const index = callSiteIndex();
    for (const name of Object.keys(LAYERS)) {
      expect(index.get(name)?.length, name).toBe(1);
    }
  });

  it('points at the line that really holds the call (so code.line.number cannot drift)', () => {
    for (const [name, sites] of callSiteIndex()) {
      for (const site of sites) {
        const lines = readFileSync(join(PACKAGE_ROOT, site.file), 'utf8').split('\n');
        const here = lines.slice(site.line - 1, site.line + 1).join('\n');
        expect(here, `${name} at ${site.file}:${site.line}`).toContain('layerSpan(');
        expect(here).toContain(`'${name}'`);
      }
    }
  });

  it('has no call site for a name the table does not know', () => {
    const unknown = [...callSiteIndex().keys()].filter((n) => !(n in LAYERS));
    expect(unknown).toEqual([]);
  });
});
