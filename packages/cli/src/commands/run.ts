import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from './command.js';

/** V8's stack limit for the app, in KB: instrumented frames are larger, so recursion 10,000 deep still fits (Linux gives the main thread 8 MB). */
export const DEFAULT_STACK_KB = 2048;

/** What `tracekit run` was asked to do. */
export interface RunPlan {
  node: string;
  args: string[];
  env: Record<string, string | undefined>;
}

const USAGE = `Usage: tracekit run [--include <globs>] [--exclude <globs>] [--events] [--stack-size <KB>] [--] <app.js|app.ts> [args...]`;

/**
 * Where `@tracekit/core/auto` comes from: the app's own install when it has one (so the app and
 * the hooks share one TraceKit), else the one beside this command.
 */
export function autoSpecifier(cwd: string, self: string = process.argv[1] ?? path.join(cwd, 'x.js')): string {
  try {
    createRequire(path.join(cwd, 'package.json')).resolve('@tracekit/core/auto');
    return '@tracekit/core/auto';
  } catch {
    const own = createRequire(path.resolve(self)).resolve('@tracekit/core/auto');
    // The require condition resolves to auto.cjs; --import takes the ES module build beside it.
    return pathToFileURL(own.replace(/\.cjs$/, '.js')).href;
  }
}

function resolvesFrom(cwd: string, specifier: string): boolean {
  try {
    createRequire(path.join(cwd, 'package.json')).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/**
 * The node command line: source maps on, a larger stack, tsx's hooks first for TypeScript (so
 * TraceKit instruments the JavaScript tsx produces), then TraceKit's, then the app and its
 * arguments. Throws a usage message for bad arguments.
 */
export function planRun(argv: string[], cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): RunPlan {
  const extraEnv: Record<string, string> = {};
  let stackKb = DEFAULT_STACK_KB;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('--')) break;
    const value = argv[i + 1];
    if (a === '--events') extraEnv.TRACEKIT_FILE_FORMAT = 'events';
    else if ((a === '--include' || a === '--exclude' || a === '--stack-size') && value !== undefined) {
      i++;
      if (a === '--include') extraEnv.TRACEKIT_TRACE_INCLUDE = value;
      else if (a === '--exclude') extraEnv.TRACEKIT_TRACE_EXCLUDE = value;
      else {
        stackKb = Number(value);
        if (!Number.isInteger(stackKb) || stackKb < 0) throw new Error(`--stack-size must be a whole number of KB (0 leaves Node's default)\n${USAGE}`);
      }
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  const script = argv[i];
  if (script === undefined) throw new Error(`no app to run\n${USAGE}`);
  const nodeArgs = ['--enable-source-maps'];
  const userStack = /--stack-size/.test(env.NODE_OPTIONS ?? '');
  if (stackKb > 0 && !userStack) nodeArgs.push(`--stack-size=${stackKb}`);
  if (/\.[cm]?tsx?$/.test(script)) {
    if (!resolvesFrom(cwd, 'tsx')) throw new Error(`${script} is TypeScript: install tsx in the app (npm install -D tsx) so tracekit run can load it`);
    nodeArgs.push('--import', 'tsx');
  }
  nodeArgs.push('--import', autoSpecifier(cwd));
  return { node: process.execPath, args: [...nodeArgs, script, ...argv.slice(i + 1)], env: { ...env, ...extraEnv } };
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR2'] as const;

/**
 * `tracekit run [--] app.js [args]`: runs a Node app with every function of its own modules
 * traced (docs/function-tracing.md). The app's exit code passes through; signals sent to this
 * command are passed to the app, and an app killed by a signal ends this command with the same
 * signal.
 */
const run: Command = {
  summary: 'run [--] app.js    run a Node app with its functions traced (tracekit run --help)',
  run(argv) {
    if (argv[0] === '--help' || argv[0] === '-h') {
      process.stdout.write(`${USAGE}\n\nEnvironment: TRACEKIT_TRACE_INCLUDE, TRACEKIT_TRACE_EXCLUDE, TRACEKIT_FUNCTION_SPAN_THRESHOLD_MS, TRACEKIT_FILE_FORMAT=events (docs/function-tracing.md)\n`);
      return 0;
    }
    const plan = planRun(argv);
    return new Promise<number>((resolve) => {
      const child = spawn(plan.node, plan.args, { stdio: 'inherit', env: plan.env });
      const forward = (signal: NodeJS.Signals) => {
        child.kill(signal);
      };
      for (const s of FORWARDED) process.on(s, forward);
      child.on('error', (err) => {
        for (const s of FORWARDED) process.removeListener(s, forward);
        process.stderr.write(`tracekit run: ${err.message}\n`);
        resolve(127);
      });
      child.on('exit', (code, signal) => {
        for (const s of FORWARDED) process.removeListener(s, forward);
        if (signal) {
          // End the same way the app did, so a supervisor sees the signal.
          process.kill(process.pid, signal);
          return;
        }
        resolve(code ?? 1);
      });
    });
  },
};

export default run;
