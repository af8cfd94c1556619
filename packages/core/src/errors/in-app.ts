import { withFrame, type FrameOrigin, type StackFrame } from './stack-frame.js';

const toSlashes = (p: string) => (p.includes('\\') ? p.replace(/\\/g, '/') : p);

/** Node's own modules: `node:internal/...`, `node:fs`, and the bare `internal/...` / `events.js` of older releases. */
function isNodeInternal(file: string): boolean {
  if (file.startsWith('node:')) return true;
  return !file.includes('/') && !file.includes('\\') ? file.endsWith('.js') : file.startsWith('internal/');
}

/** The root with `/` separators and one trailing slash, for prefix tests. */
export function normaliseRoot(appRoot: string): string {
  const root = toSlashes(appRoot);
  return root.endsWith('/') ? root : `${root}/`;
}

/**
 * Classifies one file: `app` when it lies under the app root and outside `node_modules`,
 * `node_modules`, `node` internals, or `external`. Returns the path relative to the root when
 * it lies under it.
 */
export function classifyFile(file: string, root: string): { origin: FrameOrigin; relativeFile?: string } {
  if (file === '<anonymous>') return { origin: 'external' };
  if (isNodeInternal(file)) return { origin: 'node' };
  const slashed = toSlashes(file);
  const under = slashed.startsWith(root) ? slashed.slice(root.length) : undefined;
  if (slashed.includes('/node_modules/')) return under === undefined ? { origin: 'node_modules' } : { origin: 'node_modules', relativeFile: under };
  if (under === undefined) return { origin: 'external' };
  return { origin: 'app', relativeFile: under };
}

/**
 * Marks each frame with its {@link FrameOrigin}: a frame is in-app (`origin: 'app'`) when its
 * file is under `appRoot` (default: the working directory) and not in `node_modules`; `node:`
 * internals, native built-ins and `node_modules` never are.
 */
export function markInApp(frames: readonly StackFrame[], appRoot: string): StackFrame[] {
  const root = normaliseRoot(appRoot);
  return frames.map((frame) => {
    if (frame.native) return withFrame(frame, { origin: 'native' });
    const { origin, relativeFile } = classifyFile(frame.file, root);
    return withFrame(frame, { origin, relativeFile });
  });
}
