import v8 from 'node:v8';
import vm from 'node:vm';

// Tests that check what TraceKit lets go: a full collection on demand, and whether objects
// (held through WeakRefs) were collected once nothing but garbage pointed at them.
v8.setFlagsFromString('--expose-gc');
export const gc = vm.runInNewContext('gc') as () => void;

/** How many of `refs` are collected after up to 20 rounds of a 10-ms wait and a full collection. */
export async function collectedCount(refs: readonly WeakRef<object>[]): Promise<number> {
  for (let i = 0; i < 20 && refs.some((r) => r.deref() !== undefined); i++) {
    await new Promise((r) => setTimeout(r, 10));
    gc();
  }
  return refs.filter((r) => r.deref() === undefined).length;
}

/** Whether the object `ref` points at is collected (as {@link collectedCount}). */
export async function collected(ref: WeakRef<object>): Promise<boolean> {
  return (await collectedCount([ref])) === 1;
}
