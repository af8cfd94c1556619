import type { SourceFile } from './source-cache.js';
import { withFrame, type SourceContext, type StackFrame } from './stack-frame.js';

/** The default number of lines shown before and after a frame's line. */
export const DEFAULT_CONTEXT_LINES = 5;

/** Lines longer than this are clipped to a window around the frame's column. */
export const MAX_LINE_CHARS = 500;
const WINDOW = 70;

/** Where the context step reads files: the cache, which never reads from disk itself. */
export interface SourceLookup {
  get(file: string): SourceFile | null | undefined;
}

/** Clips an absurdly long line (a data blob, a one-line template) around the column. */
export function clipLine(text: string, column = 1): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  const start = Math.max(0, Math.min(column - 1 - WINDOW, text.length - 2 * WINDOW));
  const end = Math.min(text.length, start + 2 * WINDOW);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

/** The context of one line of a file, or `undefined` when the line is not in it. */
export function contextFor(lines: readonly string[], line: number, column: number | undefined, count: number): SourceContext | undefined {
  if (line < 1 || line > lines.length) return undefined;
  const at = line - 1;
  const pre = lines.slice(Math.max(0, at - count), at);
  const post = lines.slice(at + 1, at + 1 + count);
  for (let i = 0; i < pre.length; i++) if (pre[i]!.length > MAX_LINE_CHARS) pre[i] = clipLine(pre[i]!, column);
  for (let i = 0; i < post.length; i++) if (post[i]!.length > MAX_LINE_CHARS) post[i] = clipLine(post[i]!, column);
  return { pre, line: clipLine(lines[at]!, column), post };
}

/**
 * Adds `count` lines of source before and after each in-app frame's line, from files already
 * in the cache (the recorder loads them first, off the request path). Frames whose file is
 * unreadable, minified or shorter than the line get no context. A `count` of 0 turns context off.
 */
export function addSourceContext(frames: readonly StackFrame[], sources: SourceLookup, count: number = DEFAULT_CONTEXT_LINES): StackFrame[] {
  if (count < 1) return frames.slice();
  return frames.map((frame) => {
    if (frame.origin !== 'app' || frame.line === undefined || frame.context) return frame;
    const source = sources.get(frame.file);
    if (!source || source.lines.length === 0) return frame;
    const context = contextFor(source.lines, frame.line, frame.column, count);
    return context ? withFrame(frame, { context }) : frame;
  });
}

/** The in-app files whose context is still missing from the cache. */
export function filesNeedingContext(frames: readonly StackFrame[], sources: SourceLookup): string[] {
  const files = new Set<string>();
  for (const frame of frames) {
    if (frame.origin === 'app' && frame.line !== undefined && sources.get(frame.file) === undefined) files.add(frame.file);
  }
  return [...files];
}
