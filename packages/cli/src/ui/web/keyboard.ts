import { useEffect } from 'preact/hooks';

/** True while the user types in a field: shortcuts stay out of the way. */
function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

/** Binds single-key shortcuts (`j`, `k`, `Enter`, `/`, ...) while the component is shown. */
export function useKeys(keys: Record<string, (e: KeyboardEvent) => void>, deps: unknown[]): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (typing(e) && e.key !== 'Escape') return;
      const fn = keys[e.key];
      if (!fn) return;
      e.preventDefault();
      fn(e);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, deps);
}

/** Moves a selection index within a list of `n` rows by `delta`, keeping it in range and in view. */
export function moveSelection(current: number, delta: number, n: number): number {
  if (n === 0) return -1;
  const next = Math.max(0, Math.min(n - 1, current + delta));
  requestAnimationFrame(() => document.querySelector('[data-selected="true"]')?.scrollIntoView({ block: 'nearest' }));
  return next;
}
