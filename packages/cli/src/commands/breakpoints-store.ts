import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseBreakpoints, serializeBreakpoints, type BreakpointsDocument } from '@tracekit/core/adapter';

/** The breakpoints file the commands edit: `--file`, else `TRACEKIT_BREAKPOINTS_FILE`, else `.tracekit/breakpoints.json` here. */
export function breakpointsFile(args: string[]): { file: string; rest: string[] } {
  const rest: string[] = [];
  let file = process.env.TRACEKIT_BREAKPOINTS_FILE ?? path.join('.tracekit', 'breakpoints.json');
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--file' && i + 1 < args.length) file = args[++i]!;
    else if (args[i]!.startsWith('--file=')) file = args[i]!.slice('--file='.length);
    else rest.push(args[i]!);
  }
  return { file: path.resolve(file), rest };
}

/** Reads and validates the file (an absent file is an empty document); throws with the reason when it is invalid. */
export function readDocument(file: string, root: string): BreakpointsDocument {
  if (!fs.existsSync(file)) return { breakpoints: [], probes: [] };
  const result = parseBreakpoints(fs.readFileSync(file, 'utf8'), root);
  if (!result.ok) throw new Error(`${file} is invalid: ${result.error}`);
  return result.doc;
}

/** Writes the file atomically (a temporary file, then a rename), so the app never reads half of it. */
export function writeDocument(file: string, doc: BreakpointsDocument): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, serializeBreakpoints(doc));
  fs.renameSync(tmp, file);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A change to one entry of the file, shared by the CLI commands and the viewer's API. */
export type EntryChange = { kind: 'breakpoint'; action: 'arm' | 'disarm' } | { kind: 'probe'; action: 'arm' | 'disarm' | 'remove' };

/**
 * Applies `change` to entry `id` of `doc` in place; false when there is no such entry. Arming
 * starts a fresh run (count back to 0, another 24 h) and clears TraceKit's status, so the app
 * re-arms it; disarming sets `enabled: false`; removing drops a probe.
 */
export function changeEntry(doc: BreakpointsDocument, id: string, change: EntryChange): boolean {
  if (change.kind === 'breakpoint') {
    const bp = doc.breakpoints.find((b) => b.id === id);
    if (!bp) return false;
    bp.enabled = change.action === 'arm';
    delete bp.status;
    if (bp.enabled) {
      bp.captures = 0;
      bp.expiresAt = new Date(Date.now() + DAY_MS).toISOString();
    }
    return true;
  }
  const index = doc.probes.findIndex((p) => p.id === id);
  if (index < 0) return false;
  if (change.action === 'remove') {
    doc.probes.splice(index, 1);
    return true;
  }
  const probe = doc.probes[index]!;
  probe.enabled = change.action === 'arm';
  delete probe.status;
  delete probe.error;
  if (probe.enabled) {
    probe.hits = 0;
    probe.expiresAt = new Date(Date.now() + DAY_MS).toISOString();
  }
  return true;
}

/** Left-aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
