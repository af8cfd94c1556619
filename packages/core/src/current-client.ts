import type { Tracer } from '@opentelemetry/api';
import type { TracekitClient } from './client.js';

/** What instrumentation outside the client reads from the running client. */
export interface CurrentClient {
  readonly config: { readonly enabled: boolean };
  readonly tracer: Tracer;
}

const CLIENT_KEY = Symbol.for('tracekit.client');

/**
 * The running client, read from the same global slot `init()` fills (client.ts), without
 * importing the client: outbound instrumentation, which the client installs, reads it here,
 * so the two modules do not import each other.
 */
export function currentClient(): CurrentClient | undefined {
  return (globalThis as Record<symbol, CurrentClient | undefined>)[CLIENT_KEY];
}

/**
 * The running `TracekitClient`, read from the same global slot, for modules the client itself
 * imports (AI observers, the console-log bridge): importing `getClient` from client.ts there
 * would close an import circle.
 */
export function runningClient(): TracekitClient | undefined {
  return (globalThis as Record<symbol, TracekitClient | undefined>)[CLIENT_KEY];
}
