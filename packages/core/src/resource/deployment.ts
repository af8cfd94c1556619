import type { Attributes } from '@opentelemetry/api';
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME } from './semconv.js';
import type { DetectionInput } from './types.js';

/** `deployment.environment.name`: the `environment` option (`TRACEKIT_ENVIRONMENT`), else `NODE_ENV`. */
export function detectDeployment(input: DetectionInput): Attributes {
  const name = input.environment ?? input.env.NODE_ENV?.trim();
  return name ? { [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: name } : {};
}
