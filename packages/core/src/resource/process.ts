import path from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_EXECUTABLE_PATH,
  ATTR_PROCESS_PID,
  ATTR_PROCESS_RUNTIME_DESCRIPTION,
  ATTR_PROCESS_RUNTIME_NAME,
  ATTR_PROCESS_RUNTIME_VERSION,
} from './semconv.js';
import type { DetectionInput } from './types.js';

/**
 * `process.pid`, `process.runtime.name` / `version` / `description` and
 * `process.executable.name` / `path`. No command line: arguments can carry secrets.
 */
export function detectProcess(input: DetectionInput): Attributes {
  const execPath = input.execPath ?? process.execPath;
  return {
    [ATTR_PROCESS_PID]: input.pid ?? process.pid,
    [ATTR_PROCESS_RUNTIME_NAME]: 'nodejs',
    [ATTR_PROCESS_RUNTIME_VERSION]: input.nodeVersion ?? process.versions.node,
    [ATTR_PROCESS_RUNTIME_DESCRIPTION]: 'Node.js',
    [ATTR_PROCESS_EXECUTABLE_NAME]: input.title ?? path.basename(execPath),
    [ATTR_PROCESS_EXECUTABLE_PATH]: execPath,
  };
}
