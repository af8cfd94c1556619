import type { StackFrame } from './stack-frame.js';

/** The default number of frames kept per error. */
export const DEFAULT_MAX_FRAMES = 50;

/**
 * Keeps the innermost `max` frames (where the error was thrown). Deep recursion and long
 * middleware chains would otherwise make every error attribute large.
 */
export function capFrames(frames: readonly StackFrame[], max: number = DEFAULT_MAX_FRAMES): StackFrame[] {
  return frames.length <= max ? frames.slice() : frames.slice(0, Math.max(0, max));
}
