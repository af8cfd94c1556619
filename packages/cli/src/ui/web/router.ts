import { useEffect, useState } from 'preact/hooks';

/** The page's state, all of it in the URL: a path and its query parameters. */
export interface Route {
  path: string;
  parts: string[];
  params: URLSearchParams;
}

function current(): Route {
  const path = location.pathname;
  return { path, parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(location.search) };
}

const listeners = new Set<() => void>();
addEventListener('popstate', () => listeners.forEach((l) => l()));

/** Goes to a URL of the viewer (pushes history unless `replace`). */
export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((l) => l());
  if (!replace) scrollTo(0, 0);
}

/** The URL with some query parameters changed (empty or undefined values removed). */
export function withParams(changes: Record<string, string | string[] | undefined>, base: Route = current()): string {
  const p = new URLSearchParams(base.params);
  for (const [k, v] of Object.entries(changes)) {
    p.delete(k);
    if (Array.isArray(v)) v.filter((x) => x !== '').forEach((x) => p.append(k, x));
    else if (v !== undefined && v !== '') p.set(k, v);
  }
  const q = p.toString();
  return base.path + (q ? `?${q}` : '');
}

/** The current route, re-rendering on navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const l = () => setRoute(current());
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return route;
}

/** A click handler for in-app links: plain clicks navigate without reloading; modified clicks open normally. */
export function linkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element).closest('a');
  if (!a || a.origin !== location.origin || a.target) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}
