import type { Attributes } from '@opentelemetry/api';
import { debug } from '../diag.js';
import { VERSION } from '../version.js';
import { detectContainer } from './container.js';
import { detectDeployment } from './deployment.js';
import { detectHost } from './host.js';
import { detectKubernetes } from './kubernetes.js';
import { parseOtelResourceAttributes } from './otel-env.js';
import { detectProcess } from './process.js';
import { readSmallFile } from './read-file.js';
import { ATTR_SERVICE_NAME, ATTR_TELEMETRY_SDK_LANGUAGE, ATTR_TELEMETRY_SDK_NAME, ATTR_TELEMETRY_SDK_VERSION } from './semconv.js';
import { detectService } from './service.js';
import type { DetectionInput, Detector } from './types.js';

const DETECTORS: Array<[string, Detector]> = [
  ['service', detectService],
  ['deployment', detectDeployment],
  ['host', detectHost],
  ['process', detectProcess],
  ['container', detectContainer],
  ['kubernetes', detectKubernetes],
];

/** Options of {@link detectResource}; everything but the service name has a real default. */
export type ResourceInput = Partial<DetectionInput> & Pick<DetectionInput, 'serviceName'> & {
  /** The `resourceAttributes` option: wins over everything detected. */
  attributes?: Attributes;
};

/**
 * The resource of every span, log and metric: where the app runs. Runs each detector once, at
 * `init()`, synchronously: the only I/O is reading three tiny files (`/proc/self/cgroup`,
 * `/proc/self/mountinfo`, the Kubernetes service-account namespace) and the app's
 * package.json, which takes microseconds, so the resource is complete before the first export
 * and nothing is asynchronous. A detector that fails is skipped; this never throws.
 *
 * Precedence, lowest first: detected attributes, `OTEL_RESOURCE_ATTRIBUTES`, the service name
 * the app chose (`serviceName`, `TRACEKIT_SERVICE_NAME`, `OTEL_SERVICE_NAME`), the
 * `resourceAttributes` option. TraceKit's `telemetry.sdk.*` attributes are always its own.
 */
export function detectResource(options: ResourceInput): Attributes {
  const input: DetectionInput = {
    env: process.env,
    readFile: readSmallFile,
    cwd: process.cwd(),
    serviceNameExplicit: true,
    environment: undefined,
    ...options,
  };
  const resource: Attributes = {};
  for (const [name, detector] of DETECTORS) {
    try {
      Object.assign(resource, detector(input));
    } catch (err) {
      debug(`resource detector "${name}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let fromEnv: Attributes = {};
  try {
    fromEnv = parseOtelResourceAttributes(input.env.OTEL_RESOURCE_ATTRIBUTES);
  } catch {
    // never reached: the parser does not throw
  }
  Object.assign(resource, fromEnv);
  if (input.serviceNameExplicit || fromEnv[ATTR_SERVICE_NAME] === undefined) resource[ATTR_SERVICE_NAME] = input.serviceName;
  Object.assign(resource, options.attributes ?? {});
  resource[ATTR_TELEMETRY_SDK_NAME] = 'tracekit';
  resource[ATTR_TELEMETRY_SDK_LANGUAGE] = 'nodejs';
  resource[ATTR_TELEMETRY_SDK_VERSION] = VERSION;
  return resource;
}
