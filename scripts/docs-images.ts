/**
 * @module
 * Writes the terminal pictures the docs show (`docs/images/terminal-<name>.png`): a recorded
 * trace from `traces/` drawn by the same renderer as `novatrace show --color`, its ANSI colours
 * turned into HTML, photographed in headless Chromium. The pictures come from the committed
 * traces, so they change only when `npm run traces` records new ones.
 *
 * Run: `npm run docs:images` (needs the Debian `chromium`, or CHROMIUM_PATH).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { readTraceFile } from '../src/telemetry/trace-file.js';
import { xterm256Hex } from '../src/telemetry/layer-colours.js';
import { renderTree } from '../src/telemetry/tree-render.js';
import { CHROMIUM_ARGS, findChromium } from '../test/browser/chromium.js';

const ROOT = resolve(import.meta.dirname, '..');

interface Shot {
  /** The picture is `docs/images/terminal-<name>.png`. */
  name: string;
  /** The recorded trace to draw. */
  trace: string;
  /** The command a reader types to see the same tree. */
  command: string;
  /** Keep only the first lines of the tree (the rest is summarised in one line). */
  maxLines?: number;
  /** Terminal width in columns. */
  width: number;
}

/** The pictures the docs use. The link test finds each by its `name: '...'` line. */
const SHOTS: readonly Shot[] = [
  {
    name: 'happy',
    trace: 'traces/happy.json',
    command: 'novatrace show traces/happy.json',
    maxLines: 52,
    width: 110,
  },
  {
    name: 'connection-refused',
    trace: 'traces/connection-refused.json',
    command: 'novatrace show traces/connection-refused.json',
    width: 110,
  },
];

/** SGR colour codes the tree renderer uses, as CSS colours of a dark terminal theme. */
const COLOURS: Record<string, string> = {
  '31': '#ff6b6b',
  '32': '#7bd88f',
  '33': '#f4d35e',
  '34': '#6cb6ff',
  '35': '#e38cff',
  '36': '#5fd7d7',
  '90': '#7f8794',
};

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!
  );
}

/**
 * Turns text with ANSI SGR sequences (reset, bold, foreground colours) into HTML spans.
 * @example
 * ansiToHtml('\u001b[34mHTTPClient.put\u001b[0m') // '<span style="color:#6cb6ff">HTTPClient.put</span>'
 */
export function ansiToHtml(text: string): string {
  let colour: string | undefined;
  let bold = false;
  let out = '';
  for (const part of text.split(/(\u001b\[[0-9;]*m)/)) {
    const sgr = /^\u001b\[([0-9;]*)m$/.exec(part);
    if (sgr) {
      const codes = (sgr[1] || '0').split(';');
      for (let i = 0; i < codes.length; i++) {
        const code = codes[i] as string;
        if (code === '38' && codes[i + 1] === '5') {
          // 256-colour foreground: the layers' colour key (src/telemetry/layer-colours.ts).
          colour = xterm256Hex(Number(codes[i + 2]));
          i += 2;
        } else if (code === '0') {
          colour = undefined;
          bold = false;
        } else if (code === '1') bold = true;
        else if (code === '22') bold = false;
        else if (code === '39') colour = undefined;
        else if (COLOURS[code]) colour = COLOURS[code];
      }
      continue;
    }
    if (!part) continue;
    const style = [colour ? `color:${colour}` : '', bold ? 'font-weight:bold' : '']
      .filter(Boolean)
      .join(';');
    out += style ? `<span style="${style}">${escapeHtml(part)}</span>` : escapeHtml(part);
  }
  return out;
}

/** The terminal text of one shot: the prompt, the tree (cut to `maxLines`), a trailing note. */
function terminalText(shot: Shot): string {
  const records = readTraceFile(readFileSync(join(ROOT, shot.trace), 'utf8'));
  const lines = renderTree(records, { color: true, width: shot.width }).trimEnd().split('\n');
  const kept = shot.maxLines === undefined ? lines : lines.slice(0, shot.maxLines);
  const cut = lines.length - kept.length;
  const prompt = `\u001b[32m$\u001b[0m ${shot.command}`;
  const tail = cut > 0 ? [`\u001b[90m  … ${cut} more lines\u001b[0m`] : [];
  return [prompt, ...kept, ...tail].join('\n');
}

function page(body: string): string {
  return `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#ffffff}
#term{display:inline-block;margin:0;padding:14px 18px;background:#16181d;color:#d5d9e0;
font:13px/1.35 'DejaVu Sans Mono','Liberation Mono',monospace;white-space:pre;border-radius:6px}
</style><pre id="term">${body}</pre>`;
}

async function main(): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) {
    process.stderr.write('docs-images: no chromium (apt-get install chromium, or CHROMIUM_PATH)\n');
    process.exitCode = 1;
    return;
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    const outDir = join(ROOT, 'docs', 'images');
    mkdirSync(outDir, { recursive: true });
    for (const shot of SHOTS) {
      await tab.setContent(page(ansiToHtml(terminalText(shot))));
      const path = join(outDir, `terminal-${shot.name}.png`);
      await tab.locator('#term').screenshot({ path });
      process.stdout.write(`wrote ${join('docs', 'images', `terminal-${shot.name}.png`)}\n`);
    }
  } finally {
    await browser.close();
  }
}

await main();
