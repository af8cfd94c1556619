import type { TraceState } from '@opentelemetry/api';

/**
 * W3C Trace Context `tracestate` (level 1, with the level 2 grammar), parsed and validated per
 * https://www.w3.org/TR/trace-context/#tracestate-header:
 *
 * - list        = list-member 0*31( OWS "," OWS list-member ); empty members are allowed and ignored
 * - list-member = key "=" value
 * - key         = simple-key / multi-tenant-key
 * - simple-key  = lcalpha 0*255( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
 * - multi-tenant-key = tenant-id "@" system-id
 * - tenant-id   = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
 * - system-id   = lcalpha 0*13( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
 * - value       = 0*255( chr ) nblk-chr, chr = %x20 / nblk-chr,
 *                 nblk-chr = %x21-2B / %x2D-3C / %x3E-7E (printable ASCII except "," and "=")
 *
 * At most 32 members; a key may appear once. Several header lines are combined with ","
 * before parsing (Node and the Fetch `Headers` already join repeated headers with ", ").
 * Any violation makes the whole header invalid, and an invalid `tracestate` is dropped.
 */

/** Most list members a tracestate may carry. */
export const MAX_TRACESTATE_MEMBERS = 32;
/** Longest key and longest value. */
export const MAX_TRACESTATE_KEY = 256;
export const MAX_TRACESTATE_VALUE = 256;
/**
 * Length a propagated tracestate is cut to (the spec lets vendors propagate at least 512
 * characters and says how to truncate: first drop members longer than 128 characters, then
 * drop members from the right).
 */
export const TRACESTATE_PROPAGATION_LIMIT = 512;
const LONG_MEMBER = 128;
/**
 * Raw header length beyond which parsing is not attempted: 32 members of the longest key and
 * value (32 × 513 + 31 commas = 16,447) with room for optional whitespace and empty members.
 * It bounds the work an attacker can cause with one header.
 */
const MAX_RAW_HEADER = 32_768;

const SIMPLE_KEY = /^[a-z][a-z0-9_\-*/]{0,255}$/;
const MULTI_TENANT_KEY = /^[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** Whether `key` is a valid tracestate key (simple or `tenant@system`). */
export function isValidTracestateKey(key: string): boolean {
  return key.includes('@') ? MULTI_TENANT_KEY.test(key) : SIMPLE_KEY.test(key);
}

/** Whether `value` is a valid tracestate value (1-256 printable characters, no `,` `=`, no trailing space). */
export function isValidTracestateValue(value: string): boolean {
  return VALUE.test(value);
}

/** Strips optional whitespace (space and horizontal tab) from both ends. */
function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s.charCodeAt(start) === 0x20 || s.charCodeAt(start) === 0x09)) start++;
  while (end > start && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * An immutable, validated tracestate. It implements OpenTelemetry's `TraceState`, so spans,
 * links and the OpenTelemetry API see an ordinary trace state. `set` puts a key leftmost (as
 * the spec requires for an updated or added entry) and drops the rightmost member when the
 * list would exceed 32 members; invalid keys or values leave the state unchanged.
 */
export class W3CTraceState implements TraceState {
  /** @internal Members in order, leftmost first. */
  private constructor(private readonly members: ReadonlyArray<readonly [string, string]>) {}

  /** The empty state. */
  static readonly EMPTY = new W3CTraceState([]);

  /** @internal */
  static of(members: ReadonlyArray<readonly [string, string]>): W3CTraceState {
    return new W3CTraceState(members);
  }

  get size(): number {
    return this.members.length;
  }

  get(key: string): string | undefined {
    for (const [k, v] of this.members) if (k === key) return v;
    return undefined;
  }

  set(key: string, value: string): W3CTraceState {
    if (!isValidTracestateKey(key) || !isValidTracestateValue(value)) return this;
    const rest = this.members.filter(([k]) => k !== key);
    const next: Array<readonly [string, string]> = [[key, value], ...rest];
    if (next.length > MAX_TRACESTATE_MEMBERS) next.length = MAX_TRACESTATE_MEMBERS;
    return new W3CTraceState(next);
  }

  unset(key: string): W3CTraceState {
    if (!this.members.some(([k]) => k === key)) return this;
    return new W3CTraceState(this.members.filter(([k]) => k !== key));
  }

  serialize(): string {
    let out = '';
    for (const [k, v] of this.members) out += `${out ? ',' : ''}${k}=${v}`;
    return out;
  }

  /** The members as `[key, value]` pairs, leftmost first. */
  entries(): Array<[string, string]> {
    return this.members.map(([k, v]) => [k, v]);
  }
}

/** Why a tracestate header was rejected (used by tests and diagnostics). */
export type TracestateProblem =
  | 'too-long'
  | 'missing-equals'
  | 'invalid-key'
  | 'invalid-value'
  | 'duplicate-key'
  | 'too-many-members';

/** The outcome of {@link parseTracestateHeader}. */
export type TracestateParse = { ok: true; state: W3CTraceState } | { ok: false; problem: TracestateProblem; member?: string };

/**
 * Parses one tracestate header value, or several header lines (an array is joined with ","),
 * and reports the first rule broken. Never throws.
 */
export function parseTracestateHeader(header: string | readonly string[]): TracestateParse {
  const raw = typeof header === 'string' ? header : header.join(',');
  if (raw.length > MAX_RAW_HEADER) return { ok: false, problem: 'too-long' };
  const members: Array<readonly [string, string]> = [];
  const seen = new Set<string>();
  for (const part of raw.split(',')) {
    const member = trimOws(part);
    if (member === '') continue;
    const eq = member.indexOf('=');
    if (eq <= 0) return { ok: false, problem: eq === 0 ? 'invalid-key' : 'missing-equals', member };
    const key = member.slice(0, eq);
    const value = member.slice(eq + 1);
    if (key.length > MAX_TRACESTATE_KEY || !isValidTracestateKey(key)) return { ok: false, problem: 'invalid-key', member };
    if (value.length > MAX_TRACESTATE_VALUE || !isValidTracestateValue(value)) return { ok: false, problem: 'invalid-value', member };
    if (seen.has(key)) return { ok: false, problem: 'duplicate-key', member };
    seen.add(key);
    members.push([key, value]);
    if (members.length > MAX_TRACESTATE_MEMBERS) return { ok: false, problem: 'too-many-members' };
  }
  return { ok: true, state: W3CTraceState.of(truncateForPropagation(members)) };
}

/**
 * Cuts a member list to {@link TRACESTATE_PROPAGATION_LIMIT} characters the way the spec
 * recommends: members longer than 128 characters go first (rightmost first), then members
 * from the right, until the serialized list fits.
 */
export function truncateForPropagation(members: Array<readonly [string, string]>): Array<readonly [string, string]> {
  const len = (m: readonly [string, string]) => m[0].length + 1 + m[1].length;
  let total = members.reduce((n, m) => n + len(m), 0) + Math.max(0, members.length - 1);
  if (total <= TRACESTATE_PROPAGATION_LIMIT) return members;
  const out = members.slice();
  for (let i = out.length - 1; i >= 0 && total > TRACESTATE_PROPAGATION_LIMIT; i--) {
    const m = out[i]!;
    if (len(m) > LONG_MEMBER) {
      out.splice(i, 1);
      total -= len(m) + (out.length > 0 ? 1 : 0);
    }
  }
  while (out.length > 0 && total > TRACESTATE_PROPAGATION_LIMIT) {
    const m = out.pop()!;
    total -= len(m) + (out.length > 0 ? 1 : 0);
  }
  return out;
}

/**
 * The validated tracestate of an incoming request, or `undefined` when the header is absent,
 * empty (only empty members) or invalid; an invalid tracestate is dropped entirely.
 */
export function parseTracestate(header: string | readonly string[] | undefined): W3CTraceState | undefined {
  if (header === undefined || (typeof header !== 'string' && !Array.isArray(header))) return undefined;
  const parsed = parseTracestateHeader(header);
  return parsed.ok && parsed.state.size > 0 ? parsed.state : undefined;
}
