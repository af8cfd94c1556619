import type { ResolvedConfig } from '../config/config.js';
import type { CodeMonitor, ProbeController } from './monitor.js';

/** Placeholder until the probe worker lands. */
export function startProbeManager(_monitor: CodeMonitor, _config: ResolvedConfig): ProbeController | undefined {
  return undefined;
}
