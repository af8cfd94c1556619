import { debug } from '../diag.js';

/** What the process hooks need from the client. */
export interface Flushable {
  flush(): Promise<void>;
  /** The final flush when TraceKit alone ends the process (a signal the app does not handle): as `shutdown()`. */
  end(): Promise<void>;
  flushSync(): void;
  pending(): boolean;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    p.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

/**
 * Flushes buffered spans on SIGTERM, SIGINT, `beforeExit` and `exit` without changing how the
 * process exits: when TraceKit's is the only listener of a signal, the signal is raised again
 * after the flush (bounded by `timeoutMs`), so the process ends by it exactly as Node would;
 * when the app has listeners of its own, TraceKit only flushes and leaves the rest to them.
 * Returns a function that removes the hooks.
 */
export function installShutdownHooks(target: Flushable, timeoutMs: number): () => void {
  let flushing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const appHandles = process.listenerCount(signal) > 1;
    debug(`${signal}: flushing${appHandles ? '' : ', then re-raising'}`);
    // Alone, TraceKit ends the process: the same final state as shutdown() (metrics included);
    // with the app's own handler, the app decides, and the exit hooks finish whatever it ends with.
    void withTimeout(appHandles ? target.flush() : target.end(), timeoutMs).then(() => {
      if (appHandles) return;
      remove();
      process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = () => {
    // beforeExit fires again after the flush's I/O; flush only while something is pending.
    if (flushing || !target.pending()) return;
    flushing = true;
    void withTimeout(target.flush(), timeoutMs).finally(() => {
      flushing = false;
    });
  };
  const onExit = () => target.flushSync();
  const remove = () => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  return remove;
}
