/**
 * @module
 * The page the viewer serves. The build (scripts/build.js) bundles `web/` into `dist/web/`, and
 * the built viewer reads those files; run from src/ (vitest, tsx) the page is bundled from `web/`
 * with esbuild, in memory, when first asked for, so tests always see the current page. Nothing
 * is fetched from a CDN.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  const { build } = await import('esbuild');
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
  return { html, js, css, icon, version: await versionOf(js, css, html) };
}

async function versionOf(js: string, css: string, html: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha1').update(js).update(css).update(html).digest('hex').slice(0, 12);
}

/** The files the build writes into `dist/web/`, by {@link WebAssets} key. */
export const PREBUILT_WEB_FILES = {
  html: 'index.html',
  js: 'app.js',
  css: 'app.css',
  icon: 'icon.svg',
} as const satisfies Partial<Record<keyof WebAssets, string>>;

/**
 * The page as the build wrote it, when this module runs from dist/ and `dist/web/` is there;
 * undefined otherwise (the caller then bundles `web/`).
 */
export async function readPrebuiltAssets(): Promise<WebAssets | undefined> {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const dir = fileURLToPath(new URL('../web/', import.meta.url));
  try {
    const files = await Promise.all(
      Object.entries(PREBUILT_WEB_FILES).map(
        async ([key, name]) => [key, await readFile(join(dir, name), 'utf8')] as const
      )
    );
    const { html, js, css, icon } = Object.fromEntries(files) as Record<
      keyof typeof PREBUILT_WEB_FILES,
      string
    >;
    return { html, js, css, icon, version: await versionOf(js, css, html) };
  } catch {
    return undefined;
  }
}

/** The page for a package root: prebuilt when available, else bundled from its `web/`. */
export async function loadWebAssets(webDir: string): Promise<WebAssets> {
  return (await readPrebuiltAssets()) ?? buildWebAssets(webDir);
}
