import { randomBytes } from 'node:crypto';
import { pick, toBoolean, toEnum, toInteger, type Env } from '../config/env.js';
import { configError } from '../config/config-errors.js';
import type { RedactionConfig } from './redactor.js';
import type { RedactionOptions, TracekitOptions } from '../types.js';
import type { BodyCaptureConfig } from './body-capture.js';
import { compileUserPatterns } from './user-patterns.js';

/** The redaction modes (`redaction.mode`, `TRACEKIT_REDACTION_MODE`). */
export const REDACTION_MODES = ['mask', 'remove', 'hash'] as const;

const REDACTION_KEYS = ['mode', 'keys', 'patterns', 'hashKey'];

/**
 * Resolves `redaction` (on by default; `false` turns it off): `mode` (`TRACEKIT_REDACTION_MODE`,
 * default `mask`), extra `keys`, `patterns` plus `TRACEKIT_REDACT` (compiled and vetted here, so a
 * bad pattern fails `init()`), and `hashKey` (`TRACEKIT_REDACTION_KEY`).
 */
export function resolveRedaction(options: TracekitOptions, env: Env): RedactionConfig {
  const raw = options.redaction;
  if (raw !== undefined && raw !== false && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.redaction', value: raw }, 'false or an object { mode, keys, patterns, hashKey }');
  }
  const opts: RedactionOptions = raw === false || raw === undefined ? {} : raw;
  for (const key of Object.keys(opts)) {
    if (!REDACTION_KEYS.includes(key)) {
      throw configError('TK_CONFIG_OBJECT', { label: `options.redaction.${key}`, value: undefined }, `one of the fields ${REDACTION_KEYS.join(', ')}`);
    }
  }
  const mode = toEnum(
    opts.mode !== undefined ? { label: 'options.redaction.mode', value: opts.mode } : pick({}, 'mode', env, 'TRACEKIT_REDACTION_MODE'),
    'mask',
    REDACTION_MODES,
  );
  const keys = opts.keys ?? [];
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k === '')) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.redaction.keys', value: keys }, 'an array of key names');
  }
  const fromOptions = opts.patterns ?? [];
  if (!Array.isArray(fromOptions)) {
    throw configError('TK_CONFIG_PATTERN', { label: 'options.redaction.patterns', value: fromOptions }, 'expected an array of regular expressions');
  }
  const keySource = opts.hashKey !== undefined ? { label: 'options.redaction.hashKey', value: opts.hashKey } : pick({}, 'hashKey', env, 'TRACEKIT_REDACTION_KEY');
  if (keySource && (typeof keySource.value !== 'string' || keySource.value.length < 16)) throw configError('TK_CONFIG_REDACTION_KEY', keySource);
  return {
    enabled: raw !== false,
    mode,
    keys,
    patterns: compileUserPatterns(fromOptions, env.TRACEKIT_REDACT),
    // Drawn once here when unset, so every redactor of the client (the pipeline's, the one for
    // spans another SDK owns) hashes alike.
    hashKey: (keySource?.value as string | undefined) ?? randomBytes(32).toString('hex'),
  };
}

const BODY_WHICH: Record<string, [boolean, boolean]> = {
  request: [true, false],
  response: [false, true],
  both: [true, true],
  none: [false, false],
};

/**
 * Resolves `captureBody` (off by default): `true` for both bodies, or `{ request, response,
 * maxBytes }`; `TRACEKIT_CAPTURE_BODY` (`request`, `response`, `both`, or a boolean) and
 * `TRACEKIT_CAPTURE_BODY_MAX_BYTES` (default 4096).
 */
export function resolveCaptureBody(options: TracekitOptions, env: Env): BodyCaptureConfig {
  const raw = options.captureBody;
  const maxSource = raw !== null && typeof raw === 'object' && raw.maxBytes !== undefined
    ? { label: 'options.captureBody.maxBytes', value: raw.maxBytes }
    : pick({}, 'maxBytes', env, 'TRACEKIT_CAPTURE_BODY_MAX_BYTES');
  const maxBytes = toInteger(maxSource, 4096, 1);
  if (raw === undefined) {
    const e = pick({}, 'captureBody', env, 'TRACEKIT_CAPTURE_BODY');
    if (!e) return { request: false, response: false, maxBytes };
    const which = BODY_WHICH[String(e.value).toLowerCase()];
    if (which) return { request: which[0], response: which[1], maxBytes };
    const on = toBoolean(e, false);
    return { request: on, response: on, maxBytes };
  }
  if (typeof raw === 'boolean') return { request: raw, response: raw, maxBytes };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).some((k) => !['request', 'response', 'maxBytes'].includes(k))) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.captureBody', value: raw }, 'a boolean or an object { request?: boolean, response?: boolean, maxBytes?: number }');
  }
  return {
    request: toBoolean(raw.request === undefined ? undefined : { label: 'options.captureBody.request', value: raw.request }, false),
    response: toBoolean(raw.response === undefined ? undefined : { label: 'options.captureBody.response', value: raw.response }, false),
    maxBytes,
  };
}
