import type { StackFrame } from './stack-frame.js';

/**
 * One frame in `tracekit.error.frames` (documented in docs/errors.md). Keys with nothing to say
 * are left out, so the attribute stays compact.
 */
export interface FrameJson {
  /** The function; absent when anonymous. */
  function?: string;
  /** Relative to the app root when the file is under it, else as V8 printed it (`node:internal/...`). */
  file: string;
  line?: number;
  column?: number;
  in_app: boolean;
  /** `app`, `node_modules`, `node`, `native` or `external`. */
  origin: string;
  async?: true;
  eval?: true;
  /** Present when the position was mapped through a source map: the compiled file and position. */
  generated?: { file: string; line: number; column: number };
  /** In-app frames only: the lines before, the frame's own line, and the lines after. */
  pre?: string[];
  context_line?: string;
  post?: string[];
}

/** Above this size the attribute sheds context, then frames that are not in-app. */
export const MAX_FRAMES_JSON_CHARS = 32 * 1024;

function toJson(frame: StackFrame, withContext: boolean): FrameJson {
  // Built in reading order: what, where, then whose.
  const json = (frame.function ? { function: frame.function } : {}) as FrameJson;
  json.file = frame.relativeFile ?? frame.file;
  if (frame.line !== undefined) json.line = frame.line;
  if (frame.column !== undefined) json.column = frame.column;
  json.in_app = frame.origin === 'app';
  json.origin = frame.origin ?? 'external';
  if (frame.async) json.async = true;
  if (frame.eval) json.eval = true;
  if (frame.generated) json.generated = frame.generated;
  if (withContext && frame.context) {
    json.pre = frame.context.pre;
    json.context_line = frame.context.line;
    json.post = frame.context.post;
  }
  return json;
}

/** Frames as {@link FrameJson} objects, with their context. */
export function framesToJson(frames: readonly StackFrame[]): FrameJson[] {
  return frames.map((f) => toJson(f, true));
}

/** JSON texts of frames seen before: different errors share most of their frames. */
const texts = new Map<string, string>();
const MAX_TEXTS = 2048;

/** One frame's JSON text, from the cache when the same frame (same place, same context size) was written before. */
function frameText(frame: StackFrame, withContext: boolean): string {
  const context = withContext && frame.context ? `${frame.context.pre.length}+${frame.context.post.length}` : '-';
  const g = frame.generated;
  const key = `${context}|${frame.origin}|${frame.file}|${frame.line}|${frame.column}|${frame.function}|${frame.async ? 1 : 0}${frame.eval ? 1 : 0}|${g ? `${g.file}:${g.line}:${g.column}` : ''}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = JSON.stringify(toJson(frame, withContext));
    if (texts.size >= MAX_TEXTS) texts.delete(texts.keys().next().value as string);
    texts.set(key, text);
  }
  return text;
}

const join = (frames: readonly StackFrame[], withContext: (f: StackFrame) => boolean) => `[${frames.map((f) => frameText(f, withContext(f))).join(',')}]`;

/**
 * The frames of an error as the compact JSON of `tracekit.error.frames`: innermost first, as in
 * V8's stack, each frame as a {@link FrameJson}. Kept under {@link MAX_FRAMES_JSON_CHARS}: a
 * larger result first keeps context on the culprit frame only, then keeps in-app frames only.
 */
export function framesAttribute(frames: readonly StackFrame[]): string {
  let text = join(frames, () => true);
  if (text.length <= MAX_FRAMES_JSON_CHARS) return text;
  const culprit = frames.find((f) => f.origin === 'app');
  text = join(frames, (f) => f === culprit);
  if (text.length <= MAX_FRAMES_JSON_CHARS) return text;
  return join(
    frames.filter((f) => f.origin === 'app'),
    (f) => f === culprit,
  );
}
