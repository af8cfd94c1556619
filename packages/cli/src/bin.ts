#!/usr/bin/env node
import type { Command } from './commands/command.js';
import { cliVersion } from './version.js';

/**
 * The `tracekit` dispatcher. Each command is one file under `src/commands/` that default-exports
 * a {@link Command}; register it here with one line. Imports are lazy so `tracekit view` never
 * loads the viewer's server.
 */
const COMMANDS: Record<string, () => Promise<{ default: Command }>> = {
  view: () => import('./commands/view.js'),
  tail: () => import('./commands/tail.js'),
  breakpoints: () => import('./commands/breakpoints.js'),
  probe: () => import('./commands/probe.js'),
  ui: () => import('./commands/ui.js'),
  open: () => import('./commands/open.js'),
  run: () => import('./commands/run.js'),
  analyze: () => import('./commands/analyze.js'),
  instrument: () => import('./commands/instrument.js'),
  doctor: () => import('./commands/doctor.js'),
};

async function usage(): Promise<string> {
  const lines = ['Usage: tracekit <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    // One command that fails to load must not take `help` (or the others) down with it.
    const summary = await load().then((m) => m.default.summary, (err: unknown) => `${name.padEnd(18)} (cannot load: ${err instanceof Error ? err.message : String(err)})`);
    lines.push(`  ${summary}`);
  }
  lines.push('  help               this text');
  lines.push('  --version          the version of @tracekit/cli');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write((await usage()) + '\n');
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    process.stderr.write(`tracekit: unknown command "${name}"\n${await usage()}\n`);
    return 2;
  }
  return (await load()).default.run(args);
}

// `tracekit open … | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tracekit: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
