import { useEffect, useRef, useState } from 'preact/hooks';

/** GETs a JSON API path of the viewer (same origin). */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

/**
 * POSTs an edit to a JSON API path of the viewer (same origin) with the header the server
 * requires of every edit (`x-tracekit: 1`) and a JSON body.
 */
export async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json', 'x-tracekit': '1' }, body: JSON.stringify(body) });
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(data.error ?? `${res.status} ${res.statusText}`);
  return data as T;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

type LiveKind = 'traces' | 'logs' | 'metrics';
const liveListeners = new Set<(kind: LiveKind, data: string) => void>();
let source: EventSource | undefined;

function connect(): void {
  if (source) return;
  source = new EventSource('/api/events');
  for (const kind of ['traces', 'logs', 'metrics'] as const) {
    source.addEventListener(kind, (e) => liveListeners.forEach((l) => l(kind, (e as MessageEvent<string>).data)));
  }
}

/**
 * Loads `path` and loads it again (at most every 150 ms) when the server says data of one of the
 * `live` kinds changed, and `onlyTrace`, when given, is among the traces it names (a trace view
 * does not reload its 10,000 spans because another trace arrived); `path` undefined loads nothing.
 */
export function useApi<T>(path: string | undefined, live: LiveKind[] = [], onlyTrace?: string): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const pending = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!path) return;
    let cancelled = false;
    setState((s) => ({ ...s, loading: true }));
    getJson<T>(path).then(
      (data) => !cancelled && setState({ data, error: undefined, loading: false }),
      (err: Error) => !cancelled && setState({ data: undefined, error: err.message, loading: false }),
    );
    return () => {
      cancelled = true;
    };
  }, [path, tick]);
  useEffect(() => {
    if (live.length === 0) return;
    connect();
    const l = (kind: LiveKind, data: string) => {
      if (!live.includes(kind) || pending.current !== undefined) return;
      if (onlyTrace && (kind !== 'traces' || !data.includes(`"${onlyTrace}"`))) return;
      pending.current = window.setTimeout(() => {
        pending.current = undefined;
        setTick((t) => t + 1);
      }, 150);
    };
    liveListeners.add(l);
    return () => {
      liveListeners.delete(l);
      if (pending.current !== undefined) clearTimeout(pending.current);
      pending.current = undefined;
    };
  }, [live.join(','), onlyTrace]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
