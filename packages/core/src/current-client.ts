import type { Tracer } from '@opentelemetry/api';

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
