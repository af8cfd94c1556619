import { compileExpression, compilePath, type Compiled, type CompiledPath, type ProbeScope } from './compiled-expression.js';
import { parseExpression, parseTemplate, showRead, truthy } from './expression.js';
import { Walker, unreadableValue, type SnapshotValue, type WalkResult } from './walker.js';

/** The parts of a probe its program is made of. */
export interface ProbeSpec {
  condition?: string;
  capture?: string[];
  log?: string;
}

/**
 * A probe compiled for the app's thread: its condition, captured expressions and log template
 * as guarded closures (compiled-expression.ts), built once when the probe is set.
 */
export interface ProbeProgram {
  condition?: Compiled;
  /** A property path is kept as its raw value (walked); any other expression as its result. */
  captures?: Array<{ text: string; path: CompiledPath } | { text: string; expr: Compiled }>;
  template?: Array<string | Compiled>;
}

/** What a hit run on the app's thread produced: a log message, or walked values. */
export type ProbeResult = { message: string } | { values: WalkResult };

/** Compiles a probe; undefined when an expression does not parse (the worker reports that as the probe's error). */
export function compileProbe(spec: ProbeSpec): ProbeProgram | undefined {
  try {
    const program: ProbeProgram = {};
    if (spec.condition) program.condition = compileExpression(parseExpression(spec.condition));
    if (spec.capture) {
      program.captures = spec.capture.map((text) => {
        const e = parseExpression(text);
        return e.kind === 'path' ? { text, path: compilePath(e) } : { text, expr: compileExpression(e) };
      });
    }
    if (spec.log) program.template = parseTemplate(spec.log).map((part) => (typeof part === 'string' ? part : compileExpression(part)));
    return program;
  } catch {
    return undefined;
  }
}

/** Whether the probe's condition (if any) holds in `scope`. */
export function conditionHolds(program: ProbeProgram, scope: ProbeScope): boolean {
  return !program.condition || truthy(program.condition(scope));
}

/**
 * The hit's result: the log message (its `{…}` parts shown as the worker shows them; the main
 * thread redacts the text), or the captured expressions (each path's value walked; a path that
 * met a getter or a Proxy marked, as the worker marks it), or a plain probe's `locals`. `walker`
 * is undefined when the global capture budget is spent (the capture is dropped: nothing walked).
 */
export function runProbe(program: ProbeProgram, scope: ProbeScope, locals: unknown, walker: Walker | undefined): ProbeResult {
  if (program.template) {
    let message = '';
    for (const part of program.template) message += typeof part === 'string' ? part : showRead(part(scope));
    return { message };
  }
  if (!walker) return { values: { value: {}, omissions: [], omittedTotal: 0 } };
  if (!program.captures) return { values: walker.walkVariables(locals) };
  const entries: Array<[string, unknown]> = [];
  const marks = new Map<string, SnapshotValue>();
  for (const c of program.captures) {
    if ('path' in c) {
      const v = c.path(scope);
      if ('unreadable' in v) {
        walker.omit(c.text, v.unreadable);
        marks.set(c.text, unreadableValue(v.unreadable));
      } else entries.push([c.text, v.value]);
    } else {
      const r = c.expr(scope);
      if (r.primitive && r.unreadable) marks.set(c.text, unreadableValue(r.unreadable));
      else entries.push([c.text, r.primitive ? r.value : r.raw]);
    }
  }
  // Each capture's text is its key (redacted as a key, as the worker's captures are) and names its omissions.
  const walked = walker.walkNamed(entries);
  const value: { [key: string]: SnapshotValue } = {};
  for (const c of program.captures) {
    const v = marks.get(c.text) ?? walked.value[c.text];
    if (v !== undefined) value[c.text] = v;
  }
  return { values: { value, omissions: walked.omissions, omittedTotal: walked.omittedTotal } };
}
