import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { NamedStoreFile } from '../ui/server/file-follower.js';
import { isLoopback } from '../ui/server/security.js';
import { PortInUseError, startViewer } from '../ui/server/viewer-server.js';
import { cliVersion } from '../version.js';
import { defaultStoreDir, type Command } from './command.js';

const HELP = `Usage: tracekit ui [options]

The local viewer and an OTLP/HTTP receiver on one port.

Options:
  --port <n>       port (default 4318, the OTLP/HTTP default, so SDKs send here unconfigured)
  --host <addr>    address to listen on (default 127.0.0.1 and ::1, so localhost works; anything
                   but loopback is reachable from the network)
  --dir <folder>   the store folder to load, follow and append to (default: the folder of
                   TRACEKIT_FILE when set, with that file and its rotated files whatever its
                   name, else .tracekit)
  --root <folder>  the project root, for source context (default the working directory)
  --no-open        do not open a browser
  --no-persist     do not append received OTLP data to the store folder
  --max-spans <n>  spans kept in memory (default 250000; the oldest traces go first)`;

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser to open: the URL is printed anyway
  }
}

/**
 * The store file the app writes when `--dir` is not given and `TRACEKIT_FILE` names one, so a
 * store with a name of its own (and its rotated files) is read too: spans, or flat events with
 * `TRACEKIT_FILE_FORMAT=events`.
 */
function appStoreFile(dir: string | undefined): { storeFile?: NamedStoreFile } {
  const file = process.env.TRACEKIT_FILE;
  if (dir !== undefined || !file) return {};
  return { storeFile: { file: path.resolve(file), kind: process.env.TRACEKIT_FILE_FORMAT === 'events' ? 'events' : 'traces' } };
}

/** `tracekit ui`: see {@link HELP}. */
const ui: Command = {
  summary: 'ui [options]       the local viewer and OTLP receiver on http://127.0.0.1:4318/ (--help for options)',
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          port: { type: 'string' }, host: { type: 'string' }, dir: { type: 'string' }, root: { type: 'string' }, 'max-spans': { type: 'string' },
          open: { type: 'boolean', default: true }, 'no-open': { type: 'boolean' }, 'no-persist': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }));
    } catch (err) {
      process.stderr.write(`tracekit ui: ${(err as Error).message}\n${HELP}\n`);
      return 2;
    }
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    const port = values.port === undefined ? 4318 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`tracekit ui: --port must be a number from 0 to 65535, got "${values.port}"\n`);
      return 2;
    }
    const maxSpans = values['max-spans'] === undefined ? undefined : Number(values['max-spans']);
    if (maxSpans !== undefined && !(Number.isInteger(maxSpans) && maxSpans > 0)) {
      process.stderr.write(`tracekit ui: --max-spans must be a positive whole number, got "${values['max-spans']}"\n`);
      return 2;
    }
    const host = values.host ?? '127.0.0.1';
    if (!isLoopback(host)) {
      process.stderr.write(`tracekit ui: warning: listening on ${host}, not loopback: anyone who can reach this address can read your traces and send data to the viewer\n`);
    }
    try {
      const viewer = await startViewer({
        host: values.host, port, dir: defaultStoreDir(values.dir), ...appStoreFile(values.dir), ...(values.root ? { root: values.root } : {}),
        persist: !values['no-persist'], version: cliVersion(), ...(maxSpans ? { limits: { maxSpans } } : {}),
      });
      const s = viewer.store;
      process.stdout.write(
        `TraceKit viewer: ${viewer.url}\n` +
          `  OTLP/HTTP receiver: ${viewer.url}v1/traces, /v1/logs, /v1/metrics (protobuf or JSON)\n` +
          `  store: ${[...s.sources].pop()} (${s.traces.size} traces, ${s.spanCount} spans, ${s.logs.length} log records loaded in ${Math.round(viewer.loadMs)} ms)\n` +
          `  Ctrl-C to stop\n`,
      );
      if (values.open && !values['no-open'] && process.stdout.isTTY && !process.env.CI) openBrowser(viewer.url);
      await new Promise<void>((resolve) => {
        const stop = () => void viewer.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    } catch (err) {
      if (err instanceof PortInUseError) {
        process.stderr.write(`tracekit ui: ${err.message}\n`);
        return 1;
      }
      if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL' || (err as NodeJS.ErrnoException).code === 'ENOTFOUND') {
        process.stderr.write(`tracekit ui: cannot listen on ${host}: not an address of this machine\n`);
        return 1;
      }
      throw err;
    }
  },
};

export default ui;
