/**
 * TraceKit's diagnostics: one line on stderr per warning code (never repeated), and debug
 * lines when `debug` is on. Never throws.
 */
const warned = new Set<string>();
let debugOn = false;

export function setDebug(on: boolean): void {
  debugOn = on;
}

export function isDebug(): boolean {
  return debugOn;
}

function write(line: string): void {
  try {
    process.stderr.write(`[tracekit] ${line}\n`);
  } catch {
    // stderr closed: nothing to do.
  }
}

/** Prints `message` the first time `code` is seen (every time with debug on). */
export function warnOnce(code: string, message: string): void {
  if (warned.has(code) && !debugOn) return;
  warned.add(code);
  write(`${code}: ${message}`);
}

/** Prints only with debug on. */
export function debug(message: string): void {
  if (debugOn) write(message);
}
