import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import picomatch from 'picomatch';
import { instrumentSource } from '../source/instrument-file.js';
import { listSourceFiles, readJson, tsCompilerOptions } from '../source/project-files.js';
import { FRAMEWORKS } from './analyze.js';
import type { Command } from './command.js';

const USAGE = 'Usage: tracekit instrument <files|dirs|globs...> [--only name,Class.method] [--dry-run] [--check]';

/** The files named by the arguments: files as given, directories' source files, globs matched under the working directory. */
export function resolveTargets(args: string[], cwd: string): string[] {
  const out = new Set<string>();
  let all: string[] | undefined;
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) out.add(abs);
    else if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) for (const f of listSourceFiles(abs)) out.add(path.join(abs, f));
    else {
      all ??= listSourceFiles(cwd);
      const match = picomatch(arg, { dot: false });
      for (const f of all) if (match(f)) out.add(path.join(cwd, f));
    }
  }
  return [...out].sort();
}

/** The package the added import names: the project's TraceKit adapter when it has one (it re-exports core), else `@tracekit/core`. */
export function importSourceFor(cwd: string): string {
  const pkg = readJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(path.join(cwd, 'package.json'));
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  return Object.values(FRAMEWORKS).find((a) => a in deps) ?? '@tracekit/core';
}

/** Why function declarations were not edited, and the two ways to trace them. */
export function declarationsHint(names: string[]): string {
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  return `${names.length} function declaration${names.length === 1 ? ' is' : 's are'} left alone to keep ${names.length === 1 ? 'its' : 'their'} hoisting (${shown}): wrap ${names.length === 1 ? 'it' : 'them'} with trace() yourself, or use \`tracekit run\` for whole-app tracing`;
}

/**
 * `tracekit instrument <files|globs> [--only names] [--dry-run] [--check]`: adds `trace()` and
 * `@Trace()` to source files (to the functions named with `--only`, else to every candidate),
 * keeping their formatting and comments; running it again changes nothing.
 * `--dry-run` prints a unified diff instead of writing; `--check` writes nothing and exits 1
 * when a file would change (for CI).
 */
const instrument: Command = {
  summary: 'instrument <files> add trace() / @Trace() to source files (--dry-run, --check)',
  run(argv) {
    const dryRun = argv.includes('--dry-run');
    const check = argv.includes('--check');
    const onlyAt = argv.indexOf('--only');
    const only = onlyAt >= 0 && argv[onlyAt + 1] !== undefined ? new Set(argv[onlyAt + 1]!.split(',').map((n) => n.trim()).filter(Boolean)) : undefined;
    const rest = onlyAt >= 0 ? [...argv.slice(0, onlyAt), ...argv.slice(onlyAt + 2)] : argv;
    const targets = rest.filter((a) => !a.startsWith('--'));
    const unknown = rest.filter((a) => a.startsWith('--') && a !== '--dry-run' && a !== '--check');
    if (targets.length === 0 || unknown.length > 0) {
      process.stderr.write(`${unknown.length > 0 ? `tracekit instrument: unknown option ${unknown[0]}\n` : ''}${USAGE}\n`);
      return 2;
    }
    const cwd = process.cwd();
    const files = resolveTargets(targets, cwd);
    if (files.length === 0) {
      process.stderr.write(`tracekit instrument: no source files match ${targets.join(' ')}\n`);
      return 2;
    }
    const importFrom = importSourceFor(cwd);
    let changed = 0;
    let failed = 0;
    const declarations: string[] = [];
    for (const file of files) {
      const rel = path.relative(cwd, file) || file;
      const code = fs.readFileSync(file, 'utf8');
      const decorators = /\.[cm]?tsx?$/.test(file) && tsCompilerOptions(path.dirname(file))?.experimentalDecorators === true;
      const result = instrumentSource(code, file, { decorators, importFrom, only });
      if (result.errors.length > 0) {
        failed++;
        process.stderr.write(`tracekit instrument: ${rel} left unchanged: ${result.errors[0]}\n`);
        continue;
      }
      declarations.push(...result.declarations);
      if (!result.changed) continue;
      changed++;
      const what = [...result.wrapped.map((n) => `trace(${n})`), ...result.decorated.map((n) => `@Trace() ${n}`)].join(', ');
      if (dryRun) process.stdout.write(createTwoFilesPatch(`a/${rel}`, `b/${rel}`, code, result.code, '', '', { context: 3 }));
      else if (check) process.stdout.write(`would change ${rel}: ${what}\n`);
      else {
        fs.writeFileSync(file, result.code);
        process.stdout.write(`instrumented ${rel}: ${what}\n`);
      }
    }
    if (changed === 0 && !dryRun) process.stdout.write(`nothing to change in ${files.length} file${files.length === 1 ? '' : 's'}\n`);
    if (changed === 0 && declarations.length > 0) process.stdout.write(`${declarationsHint(declarations)}\n`);
    if (check && changed > 0) return 1;
    return failed > 0 ? 1 : 0;
  },
};

export default instrument;
