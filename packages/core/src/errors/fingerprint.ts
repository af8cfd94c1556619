import { createHash } from 'node:crypto';
import type { StackFrame } from './stack-frame.js';

/** In-app frames that take part in a fingerprint (the innermost ones). */
const MAX_APP_FRAMES = 10;
/** Frames of dependencies that take part when no frame is in-app. */
const MAX_OTHER_FRAMES = 5;

/** A line of source without its indentation and with runs of whitespace made one space. */
const normaliseCode = (line: string) => line.trim().replace(/\s+/g, ' ');

/** A message with its variable parts (numbers, hex strings, UUIDs) replaced, for errors without frames. */
export function normaliseMessage(message: string): string {
  return message
    .slice(0, 200)
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b(?:0x)?[0-9a-f]*\d[0-9a-f]*\b/gi, '<n>');
}

/** A dependency's file from its package on (`express/lib/router/layer.js`), stable across install locations. */
function stableFile(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  const at = slashed.lastIndexOf('/node_modules/');
  return at >= 0 ? slashed.slice(at + '/node_modules/'.length) : slashed;
}

/** What one in-app frame contributes: its file, its function, and its line of code (or, without the source, its line number). */
function appPart(frame: StackFrame): string {
  const code = frame.context ? normaliseCode(frame.context.line) : `:${frame.line ?? ''}`;
  return `${frame.relativeFile ?? frame.file}|${frame.function}|${code}`;
}

/**
 * The grouping key of an error: errors with the same fingerprint are "the same error".
 *
 * The rule (see docs/errors.md):
 * 1. The error's type always takes part; the message does not (it often carries IDs).
 * 2. With in-app frames: the innermost 10 in-app frames, each as its file relative to the app
 *    root, its function name and its line of code with whitespace normalised. The line's text is
 *    used instead of its number, so lines added or removed elsewhere in the file leave the
 *    fingerprint alone; without the source, the line number is used. Consecutive repeats
 *    (recursion) count once.
 * 3. Without in-app frames: the innermost 5 frames with a file, each as its path from the
 *    `node_modules` folder on and its function name.
 * 4. Without frames (thrown strings, objects): the message, with numbers and UUIDs replaced.
 *
 * The result is the first 32 hex digits of a SHA-256 of those parts: equal across requests,
 * processes and machines for the same code.
 */
export function fingerprint(type: string, message: string, frames: readonly StackFrame[]): string {
  const parts: string[] = [type];
  const inApp = frames.filter((f) => f.origin === 'app');
  if (inApp.length > 0) {
    let last = '';
    for (const frame of inApp) {
      const part = appPart(frame);
      if (part === last) continue;
      parts.push(part);
      last = part;
      if (parts.length > MAX_APP_FRAMES) break;
    }
  } else {
    const withFile = frames.filter((f) => !f.native && f.file !== '<anonymous>').slice(0, MAX_OTHER_FRAMES);
    if (withFile.length > 0) for (const frame of withFile) parts.push(`${stableFile(frame.file)}|${frame.function}`);
    else parts.push(normaliseMessage(message));
  }
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}
