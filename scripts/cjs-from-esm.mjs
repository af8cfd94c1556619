#!/usr/bin/env node
// Rebuilds a package's CommonJS files from its ES module build, file for file (entries and
// shared chunks alike), with esbuild's module-format transform and nothing else.
//
// Why: tsup builds CommonJS with code splitting (packages with several entry points, which must
// share one copy of each class) by running the ES module output through a second transpiler that
// also lowers modern syntax: every class with fields became `_class` (a CommonJS app's
// `TracekitConfigError` printed as `_class [TracekitConfigError]`) and every `?.` a helper call on
// the request path. Converting each ES module file to CommonJS keeps the same module graph, the
// same shared chunks, and the code as written.
//
// Usage: node scripts/cjs-from-esm.mjs <dist dir>
import fs from 'node:fs';
import path from 'node:path';
import { transform } from 'esbuild';

const dist = path.resolve(process.argv[2] ?? 'dist');
const files = fs.readdirSync(dist);
// tsup's own CommonJS files (and their maps) go: chunk names differ between the two builds.
for (const f of files) if (f.endsWith('.cjs') || f.endsWith('.cjs.map')) fs.rmSync(path.join(dist, f));

const IMPORT_META_URL = '__tracekitImportMetaUrl';

// esbuild's CommonJS exports are getters (`get: () => from[key]`, over the module's own
// `get: () => value`), so that the exports exist before the module's body has run (and across
// circular requires). Every use of an import from another of our files then costs two getter
// calls, on the request path too (about 2.4 µs per request in a CommonJS Express server's
// profile). Once the file's body has run its exports are final (no package here exports a
// `let` that changes): the getters are made configurable, and replaced with plain values at the
// end of the file.
const COPY_PROPS_GETTER = '__defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });';
const SETTLE = `
function __tracekitSettleExports(exports) {
  for (const key of Object.getOwnPropertyNames(exports)) {
    const d = Object.getOwnPropertyDescriptor(exports, key);
    if (d === undefined || d.get === undefined || !d.configurable) continue;
    let value;
    try {
      value = d.get();
    } catch {
      continue; // not initialised yet (a circular require): it stays a getter
    }
    Object.defineProperty(exports, key, { value, enumerable: d.enumerable, writable: false, configurable: false });
  }
}
__tracekitSettleExports(module.exports);
`;
function settleExports(code, file) {
  if (!code.includes('module.exports = __toCommonJS(')) return code;
  if (!code.includes(COPY_PROPS_GETTER)) throw new Error(`cjs-from-esm: ${file}: esbuild's __copyProps helper changed; update settleExports()`);
  return code.replace(COPY_PROPS_GETTER, COPY_PROPS_GETTER.replace(' });', ', configurable: true });')) + SETTLE;
}
let count = 0;
for (const f of files) {
  if (!f.endsWith('.js')) continue;
  const source = fs.readFileSync(path.join(dist, f), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  const usesImportMeta = source.includes('import.meta');
  const { code } = await transform(source, {
    format: 'cjs',
    target: 'node20',
    platform: 'node',
    loader: 'js',
    sourcefile: f,
    // `import.meta.url` is this file's URL in CommonJS too.
    define: usesImportMeta ? { 'import.meta.url': IMPORT_META_URL } : undefined,
    banner: usesImportMeta ? `const ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;` : undefined,
  });
  // Relative imports of sibling files point at their CommonJS twins.
  let out = code.replace(/require\((["'])(\.\/[^"']+)\.js\1\)/g, (_m, q, p) => `require(${q}${p}.cjs${q})`);
  out = settleExports(out, f);
  fs.writeFileSync(path.join(dist, f.replace(/\.js$/, '.cjs')), out);
  count++;
}
console.log(`cjs-from-esm: ${count} CommonJS files in ${path.relative(process.cwd(), dist) || '.'}`);
