import http from 'node:http';
import path from 'node:path';
import { handleApi, sendJson } from './api.js';
import { handleBreakpointsEdit, isBreakpointsEdit } from './breakpoints-edit.js';
import type { BodyLimits } from './body.js';
import { FileFollower, type NamedStoreFile } from './file-follower.js';
import { FunctionRecords } from './function-calls.js';
import { Ingest } from './ingest.js';
import { listenLoopback } from './listen.js';
import { handleLiveEvents } from './live-events.js';
import { DEFAULT_BODY_LIMITS, handleExport, receiverSignal } from './receiver.js';
import { crossOrigin, hostAllowed, securityHeaders } from './security.js';
import { defaultAssetsDir, loadAssets } from './static-assets.js';
import { DEFAULT_LIMITS, TelemetryStore, type StoreLimits } from './store.js';
import { StoreWriter } from './store-writer.js';

/** Options of {@link startViewer}. */
export interface ViewerOptions {
  /**
   * The address to listen on. Default (and `localhost`): 127.0.0.1 and, where the machine has
   * IPv6 loopback, ::1 on the same port, so `http://localhost:<port>` works whichever `localhost`
   * resolves to first.
   */
  host?: string;
  /** Default 4318 (the OTLP/HTTP port); 0 picks a free one. */
  port?: number;
  /** The store folder read, followed and appended to. Default `.tracekit` under `root`. */
  dir?: string;
  /**
   * The app's store file when it has a name of its own (`TRACEKIT_FILE=.tracekit/shop-spans.jsonl`):
   * read and followed, with its rotated files, besides the folder's default names.
   */
  storeFile?: NamedStoreFile;
  /** The project root: source context is read only below it. Default the working directory. */
  root?: string;
  /** Append received OTLP data to the store folder. Default true. */
  persist?: boolean;
  /** Poll interval of the store files in ms. Default 250. */
  followIntervalMs?: number;
  limits?: Partial<StoreLimits>;
  bodyLimits?: Partial<BodyLimits>;
  /** The built front end. Default the package's `dist/ui`. */
  assetsDir?: string;
  version?: string;
}

/** A running viewer. */
export interface Viewer {
  url: string;
  port: number;
  /** The first address listened on (127.0.0.1 by default). */
  host: string;
  /** Every address listened on: `['127.0.0.1', '::1']` by default, `['127.0.0.1']` without IPv6 loopback. */
  addresses: string[];
  store: TelemetryStore;
  ingest: Ingest;
  follower: FileFollower;
  /** Files read at start. */
  loaded: string[];
  loadMs: number;
  close(): Promise<void>;
}

export { PortInUseError } from './listen.js';

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * Starts the local viewer: loads the store folder, follows it, and serves on one port the viewer
 * (`/`), its JSON API (`/api/`), server-sent events (`/api/events`) and the OTLP/HTTP receiver
 * (`/v1/traces`, `/v1/logs`, `/v1/metrics`). Every request passes the Host check; the API and the
 * receiver refuse cross-origin browser requests; every response carries the CSP.
 */
export async function startViewer(options: ViewerOptions = {}): Promise<Viewer> {
  const host = options.host ?? '127.0.0.1';
  const root = path.resolve(options.root ?? process.cwd());
  const dir = path.resolve(root, options.dir ?? '.tracekit');
  const version = options.version ?? '0.0.0';
  const store = new TelemetryStore({ ...DEFAULT_LIMITS, ...options.limits });
  const writer = options.persist === false ? undefined : new StoreWriter(dir);
  const functionRecords = new FunctionRecords();
  const ingest = new Ingest(store, functionRecords, writer);
  const follower = new FileFollower(dir, (kind, line) => ingest.line(kind, line), options.followIntervalMs ?? 250, options.storeFile ? [options.storeFile] : []);
  const started = performance.now();
  const loaded = await follower.load();
  const loadMs = performance.now() - started;
  for (const f of loaded) store.sources.add(f);
  store.sources.add(dir);
  follower.follow();

  const assets = loadAssets(options.assetsDir ?? defaultAssetsDir());
  const bodyLimits = { ...DEFAULT_BODY_LIMITS, ...options.bodyLimits };
  const api = { store, dir, functionRecords, root, version };

  const handle: http.RequestListener = (req, res) => {
    securityHeaders(res);
    if (!hostAllowed(req.headers.host, host)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Host not allowed: the viewer answers only to the address it listens on\n');
      req.resume();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://viewer.invalid');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const signal = receiverSignal(url.pathname);
    const isApi = url.pathname.startsWith('/api/');
    if (crossOrigin(req, host, !signal && !isApi)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('cross-origin requests are refused\n');
      req.resume();
      return;
    }
    if (signal) {
      void handleExport(req, res, signal, ingest, bodyLimits).catch(() => res.destroy());
      return;
    }
    if (isApi && isBreakpointsEdit(url.pathname)) {
      void handleBreakpointsEdit(req, res, url.pathname, dir, root).catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      req.resume();
      return;
    }
    if (url.pathname === '/api/events') return handleLiveEvents(store, req, res);
    if (isApi) {
      void handleApi(api, url, res).catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
      return;
    }
    const asset = assets.get(url.pathname) ?? (url.pathname.includes('.') ? undefined : assets.get('/index.html'));
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length, etag: asset.etag, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  };
  const create = () => {
    const server = http.createServer(handle);
    // Longer than clients keep idle sockets (undici: 4 s), so a client never reuses a socket the server is closing.
    server.keepAliveTimeout = 65_000;
    return server;
  };

  let listening: Awaited<ReturnType<typeof listenLoopback>>;
  try {
    listening = await listenLoopback(create, options.host, options.port ?? 4318);
  } catch (err) {
    follower.stop();
    throw err;
  }
  const { servers, addresses, port } = listening;
  const first = addresses[0]!;
  return {
    url: `http://${urlHost(options.host ?? first)}:${port}/`,
    port,
    host: first,
    addresses,
    store,
    ingest,
    follower,
    loaded,
    loadMs,
    async close() {
      follower.stop();
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections();
          return new Promise<void>((resolve) => server.close(() => resolve()));
        }),
      );
      await writer?.idle();
    },
  };
}
