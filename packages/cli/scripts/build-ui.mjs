// Builds the viewer's front end into dist/ui: src/ui/web/app.ts bundled and minified by esbuild
// (Preact and htm included), the stylesheet minified, index.html and the icon copied. Run by
// `npm run build` after tsup, so the published package holds the built assets and users never
// run a front-end build. Prints the JavaScript's size, raw and gzipped.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(pkg, 'src/ui/web');
const out = path.join(pkg, 'dist/ui');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

await build({
  entryPoints: [path.join(web, 'app.ts')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  logLevel: 'warning',
});
await build({ entryPoints: [path.join(web, 'style.css')], outfile: path.join(out, 'style.css'), bundle: true, minify: true, logLevel: 'warning' });
for (const f of ['index.html', 'favicon.svg']) fs.copyFileSync(path.join(web, f), path.join(out, f));

const js = fs.readFileSync(path.join(out, 'app.js'));
const css = fs.readFileSync(path.join(out, 'style.css'));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`ui: app.js ${kb(js.length)} (${kb(zlib.gzipSync(js, { level: 9 }).length)} gzipped), style.css ${kb(css.length)} (${kb(zlib.gzipSync(css, { level: 9 }).length)} gzipped)`);
