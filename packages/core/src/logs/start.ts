import type { ResolvedConfig } from '../config/config.js';
import { installConsoleCorrelation } from './console.js';
import { installPinoAutoMixin } from './pino-auto.js';

/**
 * Starts what `logs` asks for at `init()` (docs/logs.md): the pino mixin for pino loaded after
 * `init()` (`logs.autoPino`, on by default) and the opt-in console prefix.
 * Returns the function `shutdown()` calls to undo it. Never throws.
 */
export function startLogCorrelation(config: ResolvedConfig): () => void {
  if (!config.enabled) return () => undefined;
  const undo: Array<() => void> = [];
  try {
    if (config.logs.autoPino) undo.push(installPinoAutoMixin());
    if (config.logs.console) undo.push(installConsoleCorrelation({ prefix: true }));
  } catch {
    // never into the app
  }
  return () => {
    for (const u of undo.splice(0)) {
      try {
        u();
      } catch {
        // nothing to do
      }
    }
  };
}
