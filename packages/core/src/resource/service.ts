import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from './semconv.js';
import type { DetectionInput } from './types.js';

const INSTANCE_KEY = Symbol.for('tracekit.service.instance.id');

/**
 * A random UUID for this process, the same for every client it creates (and shared by the ESM
 * and CommonJS builds), so restarts are told apart and one process is one instance.
 */
export function serviceInstanceId(): string {
  const g = globalThis as { [INSTANCE_KEY]?: string };
  return (g[INSTANCE_KEY] ??= randomUUID());
}

/** `service.name`, `service.version` (the app's package.json `version`) and `service.instance.id`. */
export function detectService(input: DetectionInput): Attributes {
  const attrs: Attributes = { [ATTR_SERVICE_NAME]: input.serviceName };
  const text = input.readFile(path.join(input.cwd, 'package.json'));
  if (text) {
    try {
      const pkg = JSON.parse(text) as { version?: unknown };
      if (typeof pkg.version === 'string' && pkg.version !== '') attrs[ATTR_SERVICE_VERSION] = pkg.version;
    } catch {
      // not JSON: no version
    }
  }
  attrs[ATTR_SERVICE_INSTANCE_ID] = serviceInstanceId();
  return attrs;
}
