/**
 * @module
 * Builds the page from `web/` with esbuild, in memory, when the viewer starts (about a tenth of
 * a second), so a fresh clone needs no separate build step and nothing is fetched from a CDN.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { laneCss } from '../telemetry/layer-colours.js';

export interface WebAssets {
  readonly html: string;
  readonly js: string;
  readonly css: string;
  readonly icon: string;
  /** Short content hash, for ETags. */
  readonly version: string;
}

/**
 * Bundles `web/main.ts` (and the CSS it imports) and reads `web/index.html`.
 * @param webDir the `web/` folder of the package
 * @example
 * const assets = await buildWebAssets(join(PACKAGE_ROOT, 'web'));
 */
export async function buildWebAssets(
  webDir: string,
  opts: { minify?: boolean } = {}
): Promise<WebAssets> {
  const result = await build({
    entryPoints: [join(webDir, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: opts.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    outdir: 'out',
    entryNames: 'app',
    logLevel: 'silent',
    charset: 'utf8',
  });
  let js = '';
  let css = '';
  for (const file of result.outputFiles) {
    if (file.path.endsWith('.js')) js = file.text;
    // The layers' colour key first: one source for the page, the terminal and the docs.
    else if (file.path.endsWith('.css')) css = laneCss() + file.text;
  }
  const [html, icon] = await Promise.all([
    readFile(join(webDir, 'index.html'), 'utf8'),
    readFile(join(webDir, 'icon.svg'), 'utf8'),
  ]);
  const { createHash } = await import('node:crypto');
  const version = createHash('sha1').update(js).update(css).update(html).digest('hex').slice(0, 12);
  return { html, js, css, icon, version };
}
