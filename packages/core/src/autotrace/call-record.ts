import type { Context } from '@opentelemetry/api';
import type { CallPreview } from './recorder.js';

/** One finished call, read back from the ring buffer at flush time. */
export interface CallRecord {
  id: number;
  /** The function's qualified name, original file (relative to the app root when under it) and line. */
  name: string;
  file: string;
  /** The original file's absolute path (`code.filepath` on spans). */
  path: string;
  line: number;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  threw: boolean;
  /** The function records one call in this many (1: every call; more for a hot function). */
  every: number;
  error: unknown;
  context: Context | undefined;
  previews: CallPreview | undefined;
}
