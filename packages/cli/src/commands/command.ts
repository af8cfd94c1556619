import path from 'node:path';

/**
 * One subcommand of the `tracekit` binary. Each command lives in its own file under
 * `src/commands/` and default-exports one of these; `bin.ts` maps the command name to a lazy
 * import of that file, so adding a command is a one-line edit there.
 */
export interface Command {
  /** One line for `tracekit help`, e.g. `view [file]   print every trace as a tree`. */
  summary: string;
  /**
   * Runs the command with the arguments after its name. Resolves to the exit code; a command
   * that keeps running (a server, a follower) resolves when it is done or never.
   */
  run(args: string[]): number | Promise<number>;
}

/** The store file the terminal views read: `TRACEKIT_FILE`, else `.tracekit/traces.jsonl` in the working directory. */
export function defaultStoreFile(): string {
  return process.env.TRACEKIT_FILE ?? path.join(process.cwd(), '.tracekit', 'traces.jsonl');
}

/** The store folder `ui` and `open` read: `--dir`, else the folder of `TRACEKIT_FILE`, else `.tracekit` in the working directory. */
export function defaultStoreDir(dir: string | undefined): string {
  if (dir) return path.resolve(dir);
  return process.env.TRACEKIT_FILE ? path.dirname(path.resolve(process.env.TRACEKIT_FILE)) : path.resolve('.tracekit');
}
