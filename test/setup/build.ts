/**
 * vitest global setup: builds dist/ once before any test file runs, so the tests that start
 * `bin/novatrace.js` (which runs dist/) run the sources as they are now, not an older build.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/build.js', import.meta.url));
  execFileSync(process.execPath, [script, '--quiet'], { stdio: 'inherit' });
}
