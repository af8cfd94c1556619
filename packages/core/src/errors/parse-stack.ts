import { withFrame, type StackFrame } from './stack-frame.js';

/** `path:line:column` or `path:line`; the path is matched lazily so Windows drive letters (`C:\`) stay in it. */
const LOCATION = /^(.*?):(\d+)(?::(\d+))?$/;
/** A Windows file URL (`file:///C:/app/x.mjs`), which `fileURLToPath` would turn into `/C:/...` on POSIX. */
const WINDOWS_FILE_URL = /^file:\/\/\/([A-Za-z]:\/.*)$/;

/** Turns `file://` URLs (ES modules) into paths; leaves everything else as printed. */
export function urlToPath(location: string): string {
  if (!location.startsWith('file://')) return location;
  const windows = WINDOWS_FILE_URL.exec(location);
  const raw = windows ? windows[1]! : location.slice('file://'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The text inside the parentheses that close a frame line, honouring nesting (eval origins nest). */
function trailingParens(text: string): { before: string; inside: string } | undefined {
  if (!text.endsWith(')')) return undefined;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 41 /* ) */) depth++;
    else if (c === 40 /* ( */ && --depth === 0) {
      // `at fn (location)`: a space separates the name; `at (location)` does not happen in V8.
      return { before: text.slice(0, i).trimEnd(), inside: text.slice(i + 1, -1) };
    }
  }
  return undefined;
}

function parseLocation(location: string): Pick<StackFrame, 'file' | 'line' | 'column' | 'native'> {
  // Built-ins: `<anonymous>`, the old `native`, and async combinators' `index 0`.
  if (location === '<anonymous>' || location === 'native' || location.startsWith('index ')) return { file: '<anonymous>', native: true };
  const m = LOCATION.exec(location);
  if (!m) return { file: urlToPath(location) };
  const frame: Pick<StackFrame, 'file' | 'line' | 'column'> = { file: urlToPath(m[1]!), line: Number(m[2]) };
  if (m[3] !== undefined) frame.column = Number(m[3]);
  return frame;
}

/**
 * `eval at fn (origin), <anonymous>:1:2`: the code ran inside `eval` or `new Function`. The
 * frame is placed at the `eval` call (the innermost origin), the only position in a real file.
 */
function parseEvalLocation(inside: string): Pick<StackFrame, 'file' | 'line' | 'column' | 'native' | 'eval'> {
  let origin = inside;
  // Nested evals (`eval at a (eval at b (file:1:2), <anonymous>:3:4)`) end at the first real file.
  for (let depth = 0; depth < 8 && origin.startsWith('eval at '); depth++) {
    const parens = trailingParens(origin.slice(0, origin.lastIndexOf('),') + 1) || origin);
    if (!parens) break;
    origin = parens.inside;
  }
  if (origin.startsWith('eval at ')) return { file: '<anonymous>', eval: true };
  return { ...parseLocation(origin), eval: true };
}

/**
 * Parses one line of a V8 stack trace (`    at fn (file:1:2)`), or returns `undefined` when it
 * is not a frame line (the message, `... 5 more`). Handles every form V8 prints: named and
 * anonymous functions, methods, `new`, `async` frames, `eval` and `new Function` code, native
 * built-ins, `node:` internals, `file://` URLs of ES modules, Windows paths, and frames without
 * a column.
 */
export function parseStackLine(line: string): StackFrame | undefined {
  const text = line.trim();
  if (!text.startsWith('at ')) return undefined;
  let rest = text.slice(3).trim();
  let isAsync = false;
  if (rest.startsWith('async ')) {
    isAsync = true;
    rest = rest.slice(6);
  }
  const parens = trailingParens(rest);
  let fn = '';
  let location: Pick<StackFrame, 'file' | 'line' | 'column' | 'native' | 'eval'>;
  if (parens) {
    fn = parens.before;
    location = parens.inside.startsWith('eval at ') ? parseEvalLocation(parens.inside) : parseLocation(parens.inside);
  } else {
    // `at file:1:2` (anonymous function) or `at node:internal/main/run_main_module:28:49`.
    location = parseLocation(rest);
  }
  // `Foo.bar [as baz]`: the alias is the property it was called through; the function is Foo.bar.
  const alias = fn.lastIndexOf(' [as ');
  if (alias > 0 && fn.endsWith(']')) fn = fn.slice(0, alias);
  const frame: StackFrame = { function: fn, ...location };
  if (isAsync) frame.async = true;
  return withFrame(frame, {});
}

/** Parses a V8 stack trace into frames, innermost first, skipping lines that are not frames. */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  let start = 0;
  while (start < stack.length) {
    let end = stack.indexOf('\n', start);
    if (end < 0) end = stack.length;
    // Cheap check before the full parse: frame lines are indented and start with `at `.
    const at = stack.indexOf('at ', start);
    if (at >= 0 && at < end) {
      const frame = parseStackLine(stack.slice(start, end));
      if (frame) frames.push(frame);
    }
    start = end + 1;
  }
  return frames;
}
