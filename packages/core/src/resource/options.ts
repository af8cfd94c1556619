import { pick, toText, type Env } from '../config/env.js';
import type { TracekitOptions } from '../types.js';

/** Resolved settings of resource detection. */
export interface ResourceSettings {
  /** `deployment.environment.name` from the `environment` option or `TRACEKIT_ENVIRONMENT`; else `NODE_ENV` at detection. */
  environment: string | undefined;
  /** Whether the app chose the service name (then it wins over `OTEL_RESOURCE_ATTRIBUTES`'s `service.name`). */
  serviceNameExplicit: boolean;
}

/** Resolves `environment` / `TRACEKIT_ENVIRONMENT`. Throws a `TracekitConfigError` for a non-string. */
export function resolveResourceSettings(options: TracekitOptions, env: Env): { resource: ResourceSettings } {
  return {
    resource: {
      environment: toText(pick(options, 'environment', env, 'TRACEKIT_ENVIRONMENT')),
      serviceNameExplicit: pick(options, 'serviceName', env, 'TRACEKIT_SERVICE_NAME', 'OTEL_SERVICE_NAME') !== undefined,
    },
  };
}
