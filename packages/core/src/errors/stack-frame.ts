/**
 * Where a frame's code comes from, as the in-app step decides it:
 * - `app`: the application's own code (under the app root, outside `node_modules`);
 * - `node_modules`: a dependency;
 * - `node`: Node.js itself (`node:internal/...`, `node:fs`);
 * - `native`: a built-in without a position (`Array.map (<anonymous>)`, `Promise.all (index 0)`);
 * - `external`: a file outside the app root, or code from `eval` / `new Function` outside it.
 */
export type FrameOrigin = 'app' | 'node_modules' | 'node' | 'native' | 'external';

/** Lines around a frame's line, from its (original) source file. */
export interface SourceContext {
  /** Up to `sourceContextLines` lines before the frame's line, in file order. */
  pre: string[];
  /** The frame's own line. */
  line: string;
  /** Up to `sourceContextLines` lines after it. */
  post: string[];
}

/**
 * One parsed V8 stack frame. The pipeline's steps return new frames rather than mutating them:
 * `parseStack` fills the position, `markInApp` the origin, `mapFrames` replaces the position with
 * the original source's, `addSourceContext` adds the lines around it.
 */
export interface StackFrame {
  /** The function as V8 names it (`handler`, `UserService.find`, `new Order`), without `async ` or `[as alias]`; `''` when anonymous. */
  function: string;
  /**
   * A file path (`file://` URLs are converted to paths), a `node:` specifier, or `<anonymous>`
   * for frames without a file (native code, `new Function` bodies).
   */
  file: string;
  /** 1-based line, when V8 printed one. */
  line?: number;
  /** 1-based column, when V8 printed one. */
  column?: number;
  /** An `async` frame (`at async fn (...)`): the awaiting caller of the frame above it. */
  async?: boolean;
  /** Code run by `eval` or `new Function`: `file`/`line`/`column` are those of the `eval` call. */
  eval?: boolean;
  /** A built-in function without a source position. */
  native?: boolean;
  /** Set by `markInApp`. */
  origin?: FrameOrigin;
  /** Set by `markInApp`: the file relative to the app root (`/` separators), when it lies under it. */
  relativeFile?: string;
  /** Set by `mapFrames` when the position came through a source map: the generated file and position. */
  generated?: { file: string; line: number; column: number };
  /** Set by `addSourceContext` for in-app frames whose source could be read. */
  context?: SourceContext;
}

/** True for the application's own frames. */
export function isInApp(frame: StackFrame): boolean {
  return frame.origin === 'app';
}

/**
 * A copy of a frame with `changes` applied, always built with the same keys in the same order:
 * frames then share one hidden class, which keeps the pipeline's many copies cheap (object
 * spreads of frames with different keys were a measurable part of the cost).
 */
export function withFrame(frame: StackFrame, changes: Partial<StackFrame>): StackFrame {
  const pick = <K extends keyof StackFrame>(key: K): StackFrame[K] => (key in changes ? (changes[key] as StackFrame[K]) : frame[key]);
  return {
    function: pick('function'),
    file: pick('file'),
    line: pick('line'),
    column: pick('column'),
    async: pick('async'),
    eval: pick('eval'),
    native: pick('native'),
    origin: pick('origin'),
    relativeFile: pick('relativeFile'),
    generated: pick('generated'),
    context: pick('context'),
  };
}
