import type { Attributes } from '@opentelemetry/api';

/**
 * What resource detectors read: the environment, small files and the process. Tests pass fake
 * ones; in an app they are `process.env`, {@link readSmallFile} and the real process.
 */
export interface DetectionInput {
  env: Record<string, string | undefined>;
  /** Reads a small text file; `undefined` when it does not exist or cannot be read. Never throws. */
  readFile: (path: string) => string | undefined;
  /** The app's working directory (where its package.json is looked for). */
  cwd: string;
  /** The resolved service name, and whether the app chose it (option or environment variable). */
  serviceName: string;
  serviceNameExplicit: boolean;
  /** The `environment` option, if set (else `NODE_ENV`). */
  environment: string | undefined;
  /** Host and process facts; default the real ones. */
  hostname?: () => string;
  arch?: string;
  platform?: string;
  pid?: number;
  nodeVersion?: string;
  /** The executable's name; default the base name of `execPath`. */
  title?: string;
  execPath?: string;
}

/** One detector: a concept's attributes, or none. It may throw; the caller catches. */
export type Detector = (input: DetectionInput) => Attributes;
