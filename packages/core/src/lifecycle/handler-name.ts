// A route handler's `name`, read once per function.
//
// `fn.name` is an accessor that V8 answers with a call into its runtime on every read; in a
// traced server's profile it was a visible line per request for adapters that read it per
// request (docs/performance.md, round 10). Handlers are the same few functions for the life of
// the process, so the name is kept beside the function, weakly.

const names = new WeakMap<object, string>();

/** The function's `name` (`''` for an anonymous function or anything that is not a function). */
export function handlerName(fn: unknown): string {
  if (typeof fn !== 'function') return '';
  let name = names.get(fn);
  if (name === undefined) {
    let read: unknown;
    try {
      read = (fn as { name?: unknown }).name;
    } catch {
      read = undefined;
    }
    name = typeof read === 'string' ? read : '';
    names.set(fn, name);
  }
  return name;
}
