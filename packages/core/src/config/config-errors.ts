/**
 * The one catalogue of configuration errors. Each is thrown only from `init()`, never at
 * request time, and its message names the option or environment variable and what it accepts.
 */
export class TracekitConfigError extends Error {
  override readonly name = 'TracekitConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(`[${code}] ${message}`);
  }
}

/** Where a configuration value came from: an option of `init()` or an environment variable. */
export interface ValueSource {
  /** `options.sampleRate` or `TRACEKIT_SAMPLE_RATE`. */
  label: string;
  value: unknown;
}

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
};

const codes = {
  TK_CONFIG_NUMBER_RANGE: (s: ValueSource, min: number, max: number) =>
    `${s.label}=${show(s.value)} is invalid: expected a number from ${min} to ${max}`,
  TK_CONFIG_INTEGER: (s: ValueSource, min: number) => `${s.label}=${show(s.value)} is invalid: expected a whole number of at least ${min}`,
  TK_CONFIG_ENUM: (s: ValueSource, accepted: readonly string[]) =>
    `${s.label}=${show(s.value)} is invalid: accepted values are ${accepted.map((a) => `"${a}"`).join(', ')}`,
  TK_CONFIG_BOOLEAN: (s: ValueSource) =>
    `${s.label}=${show(s.value)} is invalid: accepted values are true, false, 1, 0, yes, no, on, off`,
  TK_CONFIG_STRING: (s: ValueSource) => `${s.label}=${show(s.value)} is invalid: expected a non-empty string`,
  TK_CONFIG_URL: (s: ValueSource) => `${s.label}=${show(s.value)} is invalid: expected an http:// or https:// URL`,
  TK_CONFIG_HEADERS: (s: ValueSource) =>
    `${s.label}=${show(s.value)} is invalid: expected comma-separated key=value pairs (for example "x-team=a,x-env=prod")`,
  TK_CONFIG_PATTERN: (s: ValueSource, reason: string) =>
    `${s.label}=${show(s.value)} is invalid: ${reason}`,
  TK_CONFIG_OBJECT: (s: ValueSource, what: string) => `${s.label}=${show(s.value)} is invalid: expected ${what}`,
  TK_CONFIG_SAMPLING_RULE: (s: ValueSource, reason: string) => `${s.label}=${show(s.value)} is invalid: ${reason}`,
  // The value is a secret: the message names the option but never shows it.
  TK_CONFIG_REDACTION_KEY: (s: ValueSource) => `${s.label} is invalid: expected a secret string of at least 16 characters`,
  TK_CONFIG_FUNCTION: (s: ValueSource) => `${s.label} is invalid: expected a function`,
  TK_CONFIG_PRICING: (s: ValueSource, reason: string) => `${s.label} is invalid: ${reason}`,
  TK_CONFIG_UNKNOWN_OPTION: (s: ValueSource, accepted: readonly string[]) =>
    `${s.label} is not an option of init(): accepted options are ${accepted.join(', ')}`,
  TK_CONFIG_UNKNOWN_ADAPTER_OPTION: (s: ValueSource, accepted: readonly string[]) =>
    `${s.label} is not an option of the adapter: accepted options are ${accepted.join(', ')} (TraceKit's own options go to init())`,
} as const;

/** Every configuration error code. */
export type ConfigErrorCode = keyof typeof codes;

/** The codes, for documentation and tests. */
export const CONFIG_ERROR_CODES = Object.keys(codes) as ConfigErrorCode[];

/** Builds the error for `code`; the arguments are the code's own. */
export function configError<C extends ConfigErrorCode>(code: C, ...args: Parameters<(typeof codes)[C]>): TracekitConfigError {
  const build = codes[code] as (...a: unknown[]) => string;
  return new TracekitConfigError(code, build(...args));
}
