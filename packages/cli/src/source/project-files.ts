import fs from 'node:fs';
import path from 'node:path';

/** Source files `analyze` and `instrument` read. */
export const SOURCE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'];

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.tracekit', '.next', '.turbo', 'out']);
const TEST_FILE = /(^|\/)(test|tests|__tests__|__mocks__)\/|\.(test|spec)\.[cm]?[jt]sx?$|\.d\.[cm]?ts$/;
const CONFIG_FILE = /(^|\/)[^/]*\.config\.[cm]?[jt]s$|(^|\/)\.[^/]*rc\.[cm]?js$/;

/**
 * The app's own source files under `dir`, sorted, as paths relative to it: no dependencies,
 * build output, tests, type declarations or tools' configuration (bounded to 20,000 files).
 */
export function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    if (out.length >= 20_000) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) walk(child);
      } else if (e.isFile() && SOURCE_EXTENSIONS.includes(path.extname(e.name)) && !TEST_FILE.test(child) && !CONFIG_FILE.test(child)) {
        out.push(child);
      }
    }
  };
  walk('');
  return out;
}

/** Reads a JSON file (package.json, tsconfig.json with comments and trailing commas), or undefined. */
export function readJson<T = Record<string, unknown>>(file: string): T | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    try {
      return JSON.parse(text) as T;
    } catch {
      // tsconfig.json allows comments and trailing commas.
      const stripped = text.replace(/\/\*[\s\S]*?\*\/|(^|[^:"'])\/\/.*$/gm, '$1').replace(/,(\s*[}\]])/g, '$1');
      return JSON.parse(stripped) as T;
    }
  } catch {
    return undefined;
  }
}

/** The `compilerOptions` of the nearest tsconfig.json at or above `dir` (following one `extends` of a relative file). */
export function tsCompilerOptions(dir: string): Record<string, unknown> | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const file = path.join(d, 'tsconfig.json');
    if (fs.existsSync(file)) {
      const config = readJson<{ compilerOptions?: Record<string, unknown>; extends?: string }>(file);
      if (!config) return undefined;
      let base: Record<string, unknown> = {};
      if (typeof config.extends === 'string' && config.extends.startsWith('.')) {
        base = readJson<{ compilerOptions?: Record<string, unknown> }>(path.resolve(d, config.extends.endsWith('.json') ? config.extends : `${config.extends}.json`))?.compilerOptions ?? {};
      }
      return { ...base, ...config.compilerOptions };
    }
    if (path.dirname(d) === d) return undefined;
  }
}
