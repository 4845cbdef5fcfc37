#!/usr/bin/env node
// The installed `novatrace` command: runs the TypeScript sources through tsx's loader,
// so a fresh clone needs only `npm ci`, no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
