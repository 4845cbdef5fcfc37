// Rules the page relies on, checked over the sources of web/: data never becomes markup, and no
// server code reaches the bundle (web/ imports only types from src/).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWebAssets } from '../../../src/viewer/assets.js';

const WEB = join(import.meta.dirname, '..', '..', '..', 'web');
const sources = readdirSync(WEB)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'build.ts')
  .map((f) => ({ file: f, text: readFileSync(join(WEB, f), 'utf8') }));

describe('web/ sources', () => {
  it('never parse strings as HTML', () => {
    const sinks =
      /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser/;
    expect(sources.filter((s) => sinks.test(s.text)).map((s) => s.file)).toEqual([]);
  });

  it('import only types from src/ (and the colour key, plain data with no import)', () => {
    const bad = sources.flatMap((s) =>
      [...s.text.matchAll(/^import\s+(?!type\b)[^;]*from\s+'(\.\.\/src\/[^']+)'/gm)]
        .map((m) => m[1] as string)
        .filter((path) => path !== '../src/telemetry/layer-colours.js')
        .map((path) => `${s.file}: ${path}`)
    );
    expect(bad).toEqual([]);
    const key = readFileSync(join(WEB, '..', 'src', 'telemetry', 'layer-colours.ts'), 'utf8');
    expect(key).not.toMatch(/^import\b/m);
  });
});

describe('buildWebAssets', () => {
  it('bundles the page with no reference to a remote host', async () => {
    const assets = await buildWebAssets(WEB);
    expect(assets.js.length).toBeGreaterThan(10_000);
    expect(assets.css).toContain('.row');
    expect(assets.css).toContain('--lane-novaclient: #');
    const remote =
      /(src|href)=["']?(https?:)?\/\/|@import\s+url\(\s*["']?https?:|\burl\(\s*["']?https?:/;
    expect(remote.test(assets.html)).toBe(false);
    expect(remote.test(assets.css)).toBe(false);
    expect(assets.html).toContain('/assets/app.js');
  });
});
