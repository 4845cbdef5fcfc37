#!/usr/bin/env node
// The installed `novatrace` command: runs the JavaScript that `npm run build` (npm's `prepare`,
// so `npm ci` does it) wrote into dist/. No TypeScript compiler or loader runs here.
import module from 'node:module';

// Where the Node version has it (22.1+), compiled code is cached across runs.
module.enableCompileCache?.();
// Stack frames (and so every recorded exception.stacktrace) name the TypeScript in src/.
process.setSourceMapsEnabled(true);

let cli;
try {
  cli = await import('../dist/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist')) throw err;
  process.stderr.write('novatrace: no built JavaScript in dist/; run `npm run build` first\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
