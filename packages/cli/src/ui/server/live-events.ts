import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TelemetryStore } from './store.js';

/**
 * `GET /api/events`: server-sent events telling open viewers what changed, gathered by the store
 * over 100 ms: `event: traces` with the IDs of the traces touched (at most 200), `event: logs`,
 * `event: metrics`. The page re-queries what it shows; a comment line every 15 s keeps proxies
 * and the browser from closing an idle stream.
 */
export function handleLiveEvents(store: TelemetryStore, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write('retry: 1000\n\n');
  const stop = store.onChange((traceIds, kinds) => {
    for (const kind of kinds) {
      const data = kind === 'traces' ? JSON.stringify([...traceIds].slice(0, 200)) : '{}';
      res.write(`event: ${kind}\ndata: ${data}\n\n`);
    }
  });
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  ping.unref();
  const close = () => {
    stop();
    clearInterval(ping);
  };
  req.on('close', close);
  res.on('error', close);
}
