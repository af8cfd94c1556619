import type { TraceState } from '@opentelemetry/api';

/**
 * W3C Trace Context `tracestate`, parsed and validated per the specification's current grammar
 * (https://w3c.github.io/trace-context/#tracestate-header, the one the official test harness,
 * `test/test.py` of w3c/trace-context, checks):
 *
 * - list        = list-member 0*31( OWS "," OWS list-member ); empty and whitespace-only members are allowed and ignored
 * - list-member = key "=" value
 * - key         = ( lcalpha / DIGIT ) 0*255( keychar ), keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
 *                 (so the level-1 vendor form `tenant@system` is one case of it; a key cannot start with "@")
 * - value       = 0*255( chr ) nblk-chr, chr = %x20 / nblk-chr,
 *                 nblk-chr = %x21-2B / %x2D-3C / %x3E-7E (printable ASCII except "," and "=", no trailing space)
 *
 * At most 32 members. Several header lines are combined with "," before parsing (Node and the
 * Fetch `Headers` already join repeated headers with ", "). A member that breaks the grammar,
 * or more than 32 members, makes the whole header invalid, and an invalid `tracestate` is
 * dropped. A duplicated key keeps its first (leftmost, most recent) entry: the specification lets
 * vendors discard duplicates, and the harness expects the rest of the header to be kept.
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

const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** Whether `key` is a valid tracestate key: a lower-case letter or digit, then up to 255 of `a-z 0-9 _ - * / @`. */
export function isValidTracestateKey(key: string): boolean {
  return KEY.test(key);
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
export type TracestateProblem = 'too-long' | 'missing-equals' | 'invalid-key' | 'invalid-value' | 'too-many-members';

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
  let count = 0;
  for (const part of raw.split(',')) {
    const member = trimOws(part);
    if (member === '') continue;
    const eq = member.indexOf('=');
    if (eq <= 0) return { ok: false, problem: eq === 0 ? 'invalid-key' : 'missing-equals', member };
    const key = member.slice(0, eq);
    const value = member.slice(eq + 1);
    if (key.length > MAX_TRACESTATE_KEY || !isValidTracestateKey(key)) return { ok: false, problem: 'invalid-key', member };
    if (value.length > MAX_TRACESTATE_VALUE || !isValidTracestateValue(value)) return { ok: false, problem: 'invalid-value', member };
    if (++count > MAX_TRACESTATE_MEMBERS) return { ok: false, problem: 'too-many-members' };
    if (seen.has(key)) continue;
    seen.add(key);
    members.push([key, value]);
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
