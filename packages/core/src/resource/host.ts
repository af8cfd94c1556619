import os from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import { ATTR_HOST_ARCH, ATTR_HOST_NAME, ATTR_OS_TYPE } from './semconv.js';
import type { DetectionInput } from './types.js';

/** Node's `process.arch` mapped to the semantic conventions' `host.arch` values. */
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: 'x86', arm: 'arm32', ppc: 'ppc32', ppc64: 'ppc64', s390x: 's390x' };
/** Node's `process.platform` mapped to the semantic conventions' `os.type` values. */
const OS_TYPE: Record<string, string> = { win32: 'windows', sunos: 'solaris' };

/** `host.name`, `host.arch` and `os.type`. */
export function detectHost(input: DetectionInput): Attributes {
  const arch = input.arch ?? process.arch;
  const platform = input.platform ?? process.platform;
  return {
    [ATTR_HOST_NAME]: (input.hostname ?? os.hostname)(),
    [ATTR_HOST_ARCH]: ARCH[arch] ?? arch,
    [ATTR_OS_TYPE]: OS_TYPE[platform] ?? platform,
  };
}
