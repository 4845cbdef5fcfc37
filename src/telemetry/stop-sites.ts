/**
 * @module
 * The TypeScript line a step-mode stop names: the caller's line for a layer's entry and return
 * (the line that made the call, where the value goes back to), the line of `decision(` for a
 * decision (the line that took the branch). Read from the stack of the running code, so two
 * callers of one layer are told apart; only captured while a stepped run asks for it.
 *
 * The stack must name TypeScript files: true under tsx and vitest (both map stacks through
 * their source maps), and for built JavaScript run with source maps enabled. A frame outside
 * the package's TypeScript falls back to the caller's static site (see `call-sites.ts`).
 */
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT, type CallSite } from './call-sites.js';

// `    at HTTPClient.put (/abs/src/novaclient/client.ts:120:12)` or `    at /abs/x.ts:1:2`,
// paths possibly as file:// URLs.
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):\d+\)?$/;

/** One stack frame inside the package's own TypeScript (repository-relative path). */
function frameSite(line: string): CallSite | undefined {
  const match = FRAME.exec(line);
  if (!match) return undefined;
  let path = match[1] ?? '';
  if (path.startsWith('async ')) path = path.slice('async '.length);
  if (path.startsWith('file://')) {
    try {
      path = fileURLToPath(path);
    } catch {
      return undefined;
    }
  }
  if (!path.endsWith('.ts') || path.includes(`${sep}node_modules${sep}`)) return undefined;
  const file = relative(PACKAGE_ROOT, path).split(sep).join('/');
  if (file.startsWith('..')) return undefined;
  return { file, line: Number(match[2]) };
}

/** The frames of a stack in the package's TypeScript outside `src/telemetry/`, innermost first. */
export function programFrames(stack: string | undefined): CallSite[] {
  if (!stack) return [];
  const out: CallSite[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const site = frameSite(line);
    if (site && !site.file.startsWith('src/telemetry/')) out.push(site);
  }
  return out;
}

/**
 * Captures the current stack (cheap: V8 formats it on first read). Call it synchronously at
 * the point of interest; read it with {@link callerOf} or {@link decidingLine}.
 */
export function captureStack(): Error {
  const holder = new Error('stop site');
  return holder;
}

/**
 * The line that called a ported function whose `layerSpan(` call is the innermost program
 * frame: the next program frame out, or `fallback` when there is none.
 */
export function callerOf(captured: Error, fallback: CallSite): CallSite {
  const frames = programFrames(captured.stack);
  // frames[0] is the ported function at its `layerSpan(` line; the caller comes next.
  return frames[1] ?? fallback;
}

/** The line of the `decision(` call: the innermost program frame. */
export function decidingLine(captured: Error): CallSite | undefined {
  return programFrames(captured.stack)[0];
}
