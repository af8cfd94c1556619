import fs from 'node:fs';
import path from 'node:path';
import { describe as describeFunction, FUNCTION_KINDS, type FunctionKind } from '../source/functions.js';
import { listSourceFiles, readJson, tsCompilerOptions } from '../source/project-files.js';
import { parseSource, walk } from '../source/parse.js';
import type { Command } from './command.js';

/** Frameworks recognised from the dependencies, and the TraceKit package for each. */
export const FRAMEWORKS: Record<string, string> = {
  express: '@tracekit/express',
  fastify: '@tracekit/fastify',
  koa: '@tracekit/koa',
  hono: '@tracekit/hono',
  '@nestjs/core': '@tracekit/nestjs',
};

/** The report of `tracekit analyze`, also its `--json` output. */
export interface AnalyzeReport {
  root: string;
  files: number;
  functions: { total: number; byKind: Record<FunctionKind, number>; async: number; generators: number };
  /** Functions whole-app tracing instruments (everything but getters and setters). */
  instrumentable: number;
  /** Functions already wrapped in `trace()` or decorated with `@Trace()`. */
  alreadyTraced: number;
  frameworks: string[];
  /** `esm`, `commonjs`, or `mixed` when the files use both module systems. */
  moduleSystem: 'esm' | 'commonjs' | 'mixed' | 'none';
  problems: Array<{ file: string; message: string }>;
}

function moduleSyntax(program: { body: Array<{ type: string; expression?: any; declarations?: any[] }> }, code: string): 'esm' | 'commonjs' | undefined {
  if (program.body.some((s) => /^(Import|Export)/.test(s.type))) return 'esm';
  if (/\brequire\s*\(|\bmodule\.exports\b|\bexports\.\w+\s*=/.test(code)) return 'commonjs';
  return undefined;
}

/** Scans a project: functions by kind, what is instrumentable and traced, frameworks and setup problems. */
export function analyzeProject(dir: string, cwd: string = process.cwd()): AnalyzeReport {
  const root = path.resolve(cwd, dir);
  const files = listSourceFiles(root);
  const byKind = Object.fromEntries(FUNCTION_KINDS.map((k) => [k, 0])) as Record<FunctionKind, number>;
  const report: AnalyzeReport = {
    root: path.relative(cwd, root) || '.',
    files: files.length,
    functions: { total: 0, byKind, async: 0, generators: 0 },
    instrumentable: 0,
    alreadyTraced: 0,
    frameworks: [],
    moduleSystem: 'none',
    problems: [],
  };
  const pkg = readJson<{ type?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(path.join(root, 'package.json'));
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  report.frameworks = Object.keys(FRAMEWORKS).filter((f) => f in deps);
  const ts = tsCompilerOptions(root);
  const systems = new Set<'esm' | 'commonjs'>();
  let decoratorFile: string | undefined;
  for (const rel of files) {
    const code = fs.readFileSync(path.join(root, rel), 'utf8');
    const { program, errors } = parseSource(code, rel);
    if (errors.length > 0) report.problems.push({ file: rel, message: `parse errors: ${errors[0]}` });
    const system = moduleSyntax(program as never, code);
    if (system && !/\.[cm]?tsx?$/.test(rel)) {
      systems.add(system);
      const declared = rel.endsWith('.mjs') ? 'esm' : rel.endsWith('.cjs') ? 'commonjs' : pkg?.type === 'module' ? 'esm' : 'commonjs';
      if (system !== declared) report.problems.push({ file: rel, message: `${system === 'esm' ? 'ES module' : 'CommonJS'} syntax in a file Node loads as ${declared === 'esm' ? 'an ES module' : 'CommonJS'} (package.json "type" / file extension)` });
    } else if (system) systems.add(system);
    walk(program, (node, ancestors) => {
      if (node.decorators?.length && !decoratorFile) decoratorFile = rel;
      const fn = describeFunction(node, ancestors[ancestors.length - 2]);
      if (!fn) return;
      report.functions.total++;
      byKind[fn.kind]++;
      if (fn.async) report.functions.async++;
      if (fn.generator) report.functions.generators++;
      if (fn.kind !== 'getter' && fn.kind !== 'setter') report.instrumentable++;
      if (fn.traced) report.alreadyTraced++;
    });
  }
  report.moduleSystem = systems.size === 2 ? 'mixed' : systems.size === 1 ? [...systems][0]! : 'none';
  if (decoratorFile && /\.[cm]?tsx?$/.test(decoratorFile) && ts?.experimentalDecorators !== true) {
    report.problems.push({ file: decoratorFile, message: 'decorators are used but tsconfig.json does not set "experimentalDecorators": true, so TypeScript compiles them as standard decorators (NestJS needs the legacy ones)' });
  }
  for (const fw of report.frameworks) {
    const adapter = FRAMEWORKS[fw]!;
    if (!(adapter in deps)) report.problems.push({ file: 'package.json', message: `${fw} is used but ${adapter} is not a dependency (npm install ${adapter})` });
  }
  return report;
}

function table(report: AnalyzeReport): string {
  const rows: Array<[string, string]> = [
    ['files', String(report.files)],
    ['functions', String(report.functions.total)],
    ...FUNCTION_KINDS.map((k): [string, string] => [`  ${k}`, String(report.functions.byKind[k])]),
    ['  async', String(report.functions.async)],
    ['  generators', String(report.functions.generators)],
    ['instrumentable', String(report.instrumentable)],
    ['already traced', String(report.alreadyTraced)],
    ['frameworks', report.frameworks.join(', ') || 'none'],
    ['module system', report.moduleSystem],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [`tracekit analyze ${report.root}`, '', ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), ''];
  if (report.problems.length === 0) lines.push('problems: none');
  else {
    lines.push(`problems (${report.problems.length}):`);
    for (const p of report.problems) lines.push(`  ${p.file}: ${p.message}`);
  }
  return lines.join('\n');
}

/** `tracekit analyze [dir] [--json]`: what whole-app tracing would see in a project. */
const analyze: Command = {
  summary: 'analyze [dir]      functions, what is traced, frameworks and setup problems (--json)',
  run(args) {
    const json = args.includes('--json');
    const dir = args.find((a) => !a.startsWith('--')) ?? '.';
    if (!fs.existsSync(dir)) {
      process.stderr.write(`tracekit analyze: no such directory: ${dir}\n`);
      return 2;
    }
    const report = analyzeProject(dir);
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${table(report)}\n`);
    return 0;
  },
};

export default analyze;
