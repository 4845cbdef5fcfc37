/**
 * `npm run build:web`: writes the page the viewer serves into web/dist/ (index.html, app.js,
 * app.css, icon.svg), to inspect it or serve it from elsewhere. The viewer itself does not need
 * this step: it builds the same files in memory when it starts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildWebAssets } from '../src/viewer/assets.js';

const webDir = import.meta.dirname;
const out = join(webDir, 'dist');
const assets = await buildWebAssets(webDir, {
  minify: process.argv.includes('--no-minify') ? false : true,
});
await mkdir(join(out, 'assets'), { recursive: true });
await Promise.all([
  writeFile(join(out, 'index.html'), assets.html),
  writeFile(join(out, 'assets', 'app.js'), assets.js),
  writeFile(join(out, 'assets', 'app.css'), assets.css),
  writeFile(join(out, 'assets', 'icon.svg'), assets.icon),
]);
console.log(
  `web/dist: app.js ${(assets.js.length / 1024).toFixed(1)} KiB, app.css ${(assets.css.length / 1024).toFixed(1)} KiB`
);
