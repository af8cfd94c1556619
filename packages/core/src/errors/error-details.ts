import type { Attributes } from '@opentelemetry/api';
import type { CapturedError } from './captured-error.js';
import { fingerprint } from './fingerprint.js';
import { framesAttribute, framesToJson } from './frames-attribute.js';
import type { StackFrame } from './stack-frame.js';

/** The frame an error is blamed on: the innermost in-app frame, else the innermost frame with a position. */
export function culpritFrame(frames: readonly StackFrame[]): StackFrame | undefined {
  return frames.find((f) => f.origin === 'app' && f.line !== undefined) ?? frames.find((f) => !f.native && f.line !== undefined);
}

/**
 * The attributes that complete an `exception` event once its frames are worked out:
 *
 * - `tracekit.error.fingerprint`: see `fingerprint()`;
 * - `tracekit.error.frames`: the frames as compact JSON (see `framesAttribute()`);
 * - `tracekit.error.causes`: for `error.cause` chains and `AggregateError` members, a JSON array of
 *   `{ relation, type, message, frames }` with each one's in-app frames;
 * - `code.filepath` (absolute, after source maps), `code.lineno` and `code.function.name` of the
 *   culprit frame (see {@link culpritFrame}).
 */
export function errorDetailAttributes(capture: CapturedError, frames: readonly StackFrame[], related: readonly StackFrame[][]): Attributes {
  const attributes: Attributes = {
    'tracekit.error.fingerprint': fingerprint(capture.type, capture.message, frames),
    'tracekit.error.frames': framesAttribute(frames),
  };
  if (capture.related.length > 0) {
    attributes['tracekit.error.causes'] = JSON.stringify(
      capture.related.map((r, i) => ({
        relation: r.relation,
        type: r.type,
        message: r.message,
        frames: framesToJson((related[i] ?? []).filter((f) => f.origin === 'app')),
      })),
    );
  }
  const culprit = culpritFrame(frames);
  if (culprit) {
    attributes['code.filepath'] = culprit.file;
    if (culprit.line !== undefined) attributes['code.lineno'] = culprit.line;
    if (culprit.function) attributes['code.function.name'] = culprit.function;
  }
  return attributes;
}
