/**
 * Headless Chromium for the browser tests: the Debian `chromium` driven by playwright-core,
 * a fresh profile per launch. When the binary is missing the tests are skipped loudly, unless
 * NOVATRACE_REQUIRE_TOOLS=1 (CI), where they fail instead.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Launch flags from the machine notes (otel-notes §2(d)). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The chromium binary: $CHROMIUM_PATH, else `chromium` on PATH, else /usr/bin/chromium. */
export function findChromium(): string | undefined {
  const candidates = [
    process.env.CHROMIUM_PATH,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'chromium')),
    '/usr/bin/chromium',
  ].filter((p): p is string => !!p);
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const CHROMIUM = findChromium();
export const REQUIRE_TOOLS = process.env.NOVATRACE_REQUIRE_TOOLS === '1';
/** True when the browser tests cannot run and may be skipped. */
export const SKIP_BROWSER = CHROMIUM === undefined && !REQUIRE_TOOLS;

if (SKIP_BROWSER) {
  console.warn(
    '\n*** SKIPPED: browser tests: no chromium binary (apt-get install chromium, or set CHROMIUM_PATH). ' +
      'CI sets NOVATRACE_REQUIRE_TOOLS=1 and fails instead. ***\n'
  );
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data-dir. */
export async function launchBrowser(viewport = { width: 1600, height: 1000 }): Promise<Browser> {
  if (!CHROMIUM) {
    throw new Error(
      'chromium is not installed and NOVATRACE_REQUIRE_TOOLS=1: apt-get install chromium'
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'novatrace-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport,
    acceptDownloads: true,
  });
  // Shorter than vitest's test timeout, so a stuck wait fails with Playwright's own message.
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Where screenshots go: always test-artifacts/; also docs/images (committed, shown by the docs)
 * when NOVATRACE_DOCS_IMAGES=1, as `npm run docs:images` sets it. A plain `npm test` leaves the
 * work tree clean.
 */
export function screenshotPaths(name: string): string[] {
  const root = join(import.meta.dirname, '..', '..');
  const dirs = [join(root, 'test-artifacts')];
  if (process.env.NOVATRACE_DOCS_IMAGES === '1') dirs.push(join(root, 'docs', 'images'));
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  return dirs.map((dir) => join(dir, `viewer-${name}.png`));
}
