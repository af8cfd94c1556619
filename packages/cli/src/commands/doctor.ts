import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSource, walk, type BabelNode } from '../source/parse.js';
import { readJson, tsCompilerOptions } from '../source/project-files.js';
import { FRAMEWORKS } from './analyze.js';
import type { Command } from './command.js';

/** One finding: `ok`, `warn` (works, could be better) or `error` (TraceKit will not work as expected). */
export interface Check {
  status: 'ok' | 'warn' | 'error';
  title: string;
  fix?: string;
}

interface Pkg {
  main?: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function resolvesFrom(dir: string, specifier: string): string | undefined {
  try {
    return createRequire(path.join(dir, 'package.json')).resolve(specifier);
  } catch {
    return undefined;
  }
}

const SOURCE = /\.[cm]?[jt]sx?$/;
const RUNNERS = new Set(['node', 'nodemon', 'tsx', 'ts-node', 'ts-node-esm', 'run']);
/** Node and tsx flags whose value is the next word (`--import tsx`), so that word is not the app's file. */
const FLAG_WITH_VALUE = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--env-file', '--watch-path', '--conditions', '-C', '--title', '--inspect-port', '--tsconfig']);

/** The file a start script runs: the first non-flag word after `node`, `tsx` (`tsx watch`), `ts-node`, `nodemon` or `tracekit run`. */
export function startScriptFile(script: string | undefined): string | undefined {
  for (const command of (script ?? '').split(/&&|\|\||;|\|/)) {
    const words = command.trim().split(/\s+/);
    const at = words.findIndex((w) => RUNNERS.has(path.basename(w)));
    if (at < 0) continue;
    for (let i = at + 1; i < words.length; i++) {
      const w = words[i]!.replace(/^['"]|['"]$/g, '');
      if (w.startsWith('-')) {
        if (FLAG_WITH_VALUE.has(w)) i++;
        continue;
      }
      if (w === 'watch') continue; // tsx watch <file>
      if (SOURCE.test(w)) return w;
      break;
    }
  }
  return undefined;
}

const NAMES = ['server', 'app', 'index', 'main'];
const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/**
 * The files that start the app: package.json `main`, its `bin` entries and the file `npm start`
 * runs, and the usual names (`server`, `app`, `index`, `main`, at the root or in `src/`, with any
 * JavaScript or TypeScript extension: `.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`).
 */
export function entryFiles(dir: string, pkg: Pkg | undefined): string[] {
  const found = new Set<string>();
  const isFile = (f: string) => fs.existsSync(path.join(dir, f)) && fs.statSync(path.join(dir, f)).isFile();
  const bins = typeof pkg?.bin === 'string' ? [pkg.bin] : Object.values(pkg?.bin ?? {});
  const declared = [pkg?.main, ...bins, startScriptFile(pkg?.scripts?.start)].filter((f): f is string => typeof f === 'string' && f !== '');
  for (const f of declared) {
    // `main` may omit the extension (`"main": "server"`), as require() allows.
    const file = [f, ...EXTENSIONS.map((e) => f + e)].find(isFile);
    if (file) found.add(path.normalize(file));
  }
  for (const folder of ['', 'src/']) {
    for (const name of NAMES) for (const ext of EXTENSIONS) if (isFile(folder + name + ext)) found.add(path.normalize(folder + name + ext));
  }
  return [...found];
}

/** The message doctor prints when it finds no entry file to read. */
export const NO_ENTRY_FILE = "could not find the app's entry file: pass it as `tracekit doctor <file>` or set package.json main";

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'route', 'head', 'options']);

interface EntryFacts {
  /** Offset of the first use of a TraceKit adapter (`tracekit.express()`, `app.register(tracekit.fastify)`). */
  registration?: { at: number; line: number };
  /** The first top-level route (`app.get('/path', …)`). */
  firstRoute?: { at: number; line: number; text: string };
  /** The `init()` call's options, when they are literals. */
  init?: { options: Record<string, unknown> | undefined; line: number };
}

function literal(node: BabelNode): unknown {
  switch (node.type) {
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return node.value;
    case 'NullLiteral':
      return null;
    case 'ArrayExpression':
      return (node.elements as BabelNode[]).map((e) => literal(e));
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const p of node.properties as BabelNode[]) {
        if (p.type !== 'ObjectProperty' || p.computed) throw new Error('not literal');
        out[(p.key.name ?? p.key.value) as string] = literal(p.value);
      }
      return out;
    }
    default:
      throw new Error('not literal');
  }
}

/** Reads where an entry file registers TraceKit, defines its first route and calls `init()`. */
export function entryFacts(code: string, file: string): EntryFacts {
  const facts: EntryFacts = {};
  const { program } = parseSource(code, file);
  const namespaces = new Set<string>();
  const adapterFns = new Set<string>();
  const initFns = new Set<string>();
  for (const s of program.body as BabelNode[]) {
    if (s.type === 'ImportDeclaration' && String(s.source.value).startsWith('@tracekit/')) {
      for (const spec of s.specifiers as BabelNode[]) {
        if (spec.type === 'ImportNamespaceSpecifier' || spec.type === 'ImportDefaultSpecifier') namespaces.add(spec.local.name);
        else if (spec.imported?.name === 'init') initFns.add(spec.local.name);
        else if (['express', 'fastify', 'koa', 'hono', 'middleware'].includes(spec.imported?.name)) adapterFns.add(spec.local.name);
      }
    }
    if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations as BabelNode[]) {
        const init = d.init as BabelNode | null;
        if (init?.type === 'CallExpression' && init.callee.name === 'require' && String(init.arguments[0]?.value).startsWith('@tracekit/') && d.id.type === 'Identifier') namespaces.add(d.id.name);
      }
    }
  }
  walk(program, (node, ancestors) => {
    const line = node.loc?.start.line ?? 0;
    if (node.type === 'MemberExpression' && node.object.type === 'Identifier' && namespaces.has(node.object.name) && ['express', 'fastify', 'koa', 'hono', 'middleware'].includes(node.property.name)) {
      facts.registration ??= { at: node.start!, line };
    }
    if (node.type === 'Identifier' && adapterFns.has(node.name) && ancestors[ancestors.length - 2]?.type !== 'ImportSpecifier') facts.registration ??= { at: node.start!, line };
    if (node.type === 'CallExpression') {
      const c = node.callee as BabelNode;
      const isInit = (c.type === 'Identifier' && initFns.has(c.name)) || (c.type === 'MemberExpression' && c.object.type === 'Identifier' && namespaces.has(c.object.name) && c.property.name === 'init');
      if (isInit && !facts.init) {
        let options: Record<string, unknown> | undefined = {};
        try {
          options = node.arguments[0] ? (literal(node.arguments[0]) as Record<string, unknown>) : {};
        } catch {
          options = undefined;
        }
        facts.init = { options, line };
      }
      const statementLevel = ancestors[ancestors.length - 2]?.type === 'ExpressionStatement';
      const first = node.arguments[0] as BabelNode | undefined;
      if (statementLevel && c.type === 'MemberExpression' && ROUTE_METHODS.has(c.property.name) && first?.type === 'StringLiteral' && String(first.value).startsWith('/')) {
        facts.firstRoute ??= { at: node.start!, line, text: `${code.slice(c.start!, c.end!)}('${first.value as string}')` };
      }
    }
  });
  return facts;
}

type CoreAdapter = { resolveConfig: (options: object, env: NodeJS.ProcessEnv, cwd: string) => { file: string; exporter: string; tracesEndpoint?: string } };

async function loadCore(dir: string): Promise<CoreAdapter | undefined> {
  const own = resolvesFrom(dir, '@tracekit/core/adapter');
  try {
    return (await import(own ? pathToFileURL(own.replace(/\.cjs$/, '.js')).href : '@tracekit/core/adapter')) as CoreAdapter;
  } catch {
    return undefined;
  }
}

function writableDir(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(d)) {
      try {
        fs.accessSync(d, fs.constants.W_OK);
        return true;
      } catch {
        return false;
      }
    }
    if (path.dirname(d) === d) return false;
  }
}

/**
 * Runs every check on the project in `dir`. `env` is the environment the app will run with;
 * `entry` (relative to `dir`) is the app's entry file when the user named it, else it is looked for.
 */
export async function diagnose(dir: string, env: NodeJS.ProcessEnv = process.env, nodeVersion: string = process.versions.node, entry?: string): Promise<Check[]> {
  const checks: Check[] = [];
  const major = Number(nodeVersion.split('.')[0]);
  if (major < 20) checks.push({ status: 'error', title: `Node ${nodeVersion} is too old`, fix: 'TraceKit needs Node 20 or newer; install Node 22 or 24' });
  else if (major === 20) checks.push({ status: 'warn', title: `Node ${nodeVersion}: supported, but past its end of life (2026-04-30)`, fix: 'move to Node 22 or 24 (faster async context, synchronous module hooks for function tracing)' });
  else checks.push({ status: 'ok', title: `Node ${nodeVersion}` });

  const pkg = readJson<Pkg>(path.join(dir, 'package.json'));
  if (!pkg) checks.push({ status: 'warn', title: 'no package.json here', fix: 'run tracekit doctor in the app\'s folder' });
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  const frameworks = Object.keys(FRAMEWORKS).filter((f) => f in deps);
  for (const fw of frameworks) {
    const adapter = FRAMEWORKS[fw]!;
    if (!(adapter in deps)) checks.push({ status: 'error', title: `${fw} is used but ${adapter} is not a dependency`, fix: `npm install ${adapter}` });
    else if (!resolvesFrom(dir, adapter)) checks.push({ status: 'error', title: `${adapter} is listed but not installed`, fix: 'npm install' });
    else checks.push({ status: 'ok', title: `${adapter} installed for ${fw}` });
  }
  if (frameworks.length === 0 && !('@tracekit/core' in deps)) checks.push({ status: 'warn', title: 'no TraceKit package in the dependencies', fix: 'npm install @tracekit/core (or the adapter for your framework: @tracekit/express, …)' });

  const entries = entry !== undefined ? [entry] : entryFiles(dir, pkg);
  if (entries.length === 0) checks.push({ status: 'warn', title: NO_ENTRY_FILE });
  let initOptions: Record<string, unknown> | undefined = {};
  let sawInit = false;
  for (const rel of entries) {
    const facts = entryFacts(fs.readFileSync(path.join(dir, rel), 'utf8'), rel);
    if (facts.init) {
      sawInit = true;
      initOptions = facts.init.options;
      if (!initOptions) checks.push({ status: 'warn', title: `${rel}:${facts.init.line}: init() options are computed at run time, so only the environment was checked` });
    }
    if (facts.registration && facts.firstRoute && facts.firstRoute.at < facts.registration.at) {
      checks.push({ status: 'error', title: `${rel}:${facts.registration.line}: TraceKit is registered after the first route (${facts.firstRoute.text} at line ${facts.firstRoute.line}); requests to earlier routes get no span`, fix: 'register the TraceKit middleware or plugin before any route' });
    } else if (facts.registration) checks.push({ status: 'ok', title: `${rel}:${facts.registration.line}: TraceKit registered before the routes` });
    else if (frameworks.length > 0 && facts.firstRoute) checks.push({ status: 'warn', title: `${rel}: routes defined but no TraceKit middleware found here`, fix: `add app.use(tracekit.${frameworks[0] === '@nestjs/core' ? 'nestjs' : frameworks[0]}()) (or the plugin) before the routes` });
  }
  if (entries.length > 0 && !sawInit) checks.push({ status: 'warn', title: `no init() call found in ${entries.join(', ')}`, fix: 'call tracekit.init({ serviceName }) first thing (without it, settings come from the environment only)' });

  const core = await loadCore(dir);
  let config: ReturnType<CoreAdapter['resolveConfig']> | undefined;
  if (!core) checks.push({ status: 'warn', title: 'could not load @tracekit/core to check the configuration' });
  else {
    try {
      config = core.resolveConfig(initOptions ?? {}, env, dir);
      checks.push({ status: 'ok', title: `configuration valid (${initOptions ? 'init() options and ' : ''}environment)` });
    } catch (err) {
      checks.push({ status: 'error', title: `configuration invalid: ${(err as Error).message}`, fix: 'fix the option or environment variable named above' });
    }
  }

  if (config && config.exporter === 'file') {
    const store = path.dirname(config.file);
    if (writableDir(store)) checks.push({ status: 'ok', title: `store directory writable: ${path.relative(dir, store) || '.'}` });
    else checks.push({ status: 'error', title: `store directory not writable: ${store}`, fix: 'set TRACEKIT_FILE to a writable place, or fix the permissions' });
  }

  const ts = tsCompilerOptions(dir);
  if (ts && fs.existsSync(path.join(dir, 'tsconfig.json'))) {
    const outDir = typeof ts.outDir === 'string' ? path.resolve(dir, ts.outDir) : undefined;
    const maps = ts.sourceMap === true || ts.inlineSourceMap === true;
    const compiled = outDir !== undefined && fs.existsSync(outDir);
    if (compiled && !maps) checks.push({ status: 'warn', title: `compiled code in ${path.relative(dir, outDir)} without source maps: stack traces and code.lineno point at the JavaScript`, fix: 'set "sourceMap": true in tsconfig.json and run with --enable-source-maps (tracekit run does)' });
    else if (compiled) checks.push({ status: 'ok', title: `source maps enabled for ${path.relative(dir, outDir)}` });
  }

  if (config?.tracesEndpoint) {
    try {
      const res = await fetch(config.tracesEndpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans":[]}', signal: AbortSignal.timeout(3000) });
      checks.push({ status: res.status < 500 ? 'ok' : 'warn', title: `OTLP endpoint ${config.tracesEndpoint} answered ${res.status}` });
    } catch (err) {
      checks.push({ status: 'error', title: `OTLP endpoint ${config.tracesEndpoint} is not reachable (${((err as Error & { cause?: { code?: string } }).cause?.code) ?? (err as Error).message})`, fix: 'start the collector or fix TRACEKIT_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT; spans are spooled to disk meanwhile' });
    }
  }
  return checks;
}

const MARK = { ok: '✓', warn: '!', error: '✗' } as const;

/** The folder of the project a file belongs to: the nearest one up with a package.json, else the file's folder. */
function projectOf(file: string): string {
  for (let d = path.dirname(file); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return path.dirname(file);
  }
}

/**
 * `tracekit doctor [dir | file]`: checks a project's TraceKit setup and says how to fix what is
 * wrong; given a file, that file is the app's entry and its project is the nearest folder up with
 * a package.json. Exits 1 when something is wrong.
 */
const doctor: Command = {
  summary: 'doctor [dir|file]  check a project\'s TraceKit setup (Node, adapter, entry file, init, store, maps, endpoint)',
  async run(args) {
    const target = path.resolve(args.find((a) => !a.startsWith('--')) ?? '.');
    if (!fs.existsSync(target)) {
      process.stderr.write(`tracekit doctor: no such file or folder: ${target}\n`);
      return 2;
    }
    const isFile = fs.statSync(target).isFile();
    const dir = isFile ? projectOf(target) : target;
    const checks = await diagnose(dir, process.env, process.versions.node, isFile ? path.relative(dir, target) : undefined);
    const lines = [`tracekit doctor ${dir}`];
    for (const c of checks) {
      lines.push(`  ${MARK[c.status]} ${c.title}`);
      if (c.fix && c.status !== 'ok') lines.push(`      fix: ${c.fix}`);
    }
    const errors = checks.filter((c) => c.status === 'error').length;
    lines.push('', errors === 0 ? 'no problems found' : `${errors} problem${errors === 1 ? '' : 's'} to fix`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return errors === 0 ? 0 : 1;
  },
};

export default doctor;
