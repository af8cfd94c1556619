import type { TracekitClient } from '../client.js';
import { createRedactor, type Redactor } from '../redaction/redactor.js';
import type { ResolvedAIConfig } from './ai-config.js';
import { PriceBook } from './pricing.js';

/** What AI spans need from a client, built once per client on the first AI call. */
export interface AIRuntime {
  config: ResolvedAIConfig;
  prices: PriceBook;
  /** Content capture is redacted here, before it is cut to length (a cut secret would escape the patterns). */
  redactor: Redactor;
}

const runtimes = new WeakMap<TracekitClient, AIRuntime>();

/** The AI runtime of a client. */
export function aiRuntime(client: TracekitClient): AIRuntime {
  let rt = runtimes.get(client);
  if (!rt) {
    const config = client.config.ai;
    rt = { config, prices: new PriceBook(config.pricing), redactor: createRedactor(client.config.redaction) };
    runtimes.set(client, rt);
  }
  return rt;
}
