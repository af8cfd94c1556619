import vm from 'node:vm';
import { configError } from '../config/config-errors.js';

/**
 * The user's own value patterns (`redaction.patterns`, `TRACEKIT_REDACT`): parsed, compiled
 * once, and vetted at `init()` so that a pattern that could take catastrophic time on some
 * input is refused before it ever runs on a request.
 */

/**
 * Splits `TRACEKIT_REDACT`: a JSON array of strings, or patterns separated by commas. A comma
 * inside `{}`, `[]` or `()` or escaped as `\,` does not separate, so `\d{3,4}` stays whole.
 */
export function splitPatternList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(trimmed);
      if (Array.isArray(list) && list.every((p) => typeof p === 'string')) return list.filter((p) => p !== '');
    } catch {
      // not JSON: a pattern that starts with a character class
    }
  }
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i] as string;
    if (c === '\\' && i + 1 < trimmed.length) {
      const next = trimmed[i + 1] as string;
      current += next === ',' ? ',' : c + next;
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    if (c === ',' && depth === 0) {
      if (current.trim() !== '') out.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

const SLASHED = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = /^[imsu]*$/;

/** Largest quantifier repetition still counted as bounded when looking for nested repetition. */
const SMALL_REPEAT = 10;

/**
 * True when a quantified group contains a quantifier that repeats without a small bound
 * (`(a+)+`, `(\w*x)*`, `(a{2,})+`): the nested repetition behind most catastrophic patterns.
 */
export function hasNestedQuantifier(source: string): boolean {
  // Per open group: whether it contains an unbounded quantifier.
  const stack: boolean[] = [];
  let inClass = false;
  let lastGroupUnbounded = false;
  let afterGroup = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      i++;
      afterGroup = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      afterGroup = false;
      continue;
    }
    if (c === '(') {
      stack.push(false);
      afterGroup = false;
      continue;
    }
    if (c === ')') {
      lastGroupUnbounded = stack.pop() ?? false;
      // A group's repetition counts for the group around it too.
      if (lastGroupUnbounded && stack.length > 0) stack[stack.length - 1] = true;
      afterGroup = true;
      continue;
    }
    let unbounded = false;
    let isQuantifier = false;
    if (c === '*' || c === '+') {
      isQuantifier = true;
      unbounded = true;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m) {
        isQuantifier = true;
        const max = m[2] === undefined ? Number(m[1]) : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
        unbounded = max > SMALL_REPEAT;
        i += m[0].length - 1;
      }
    } else if (c === '?') {
      // `?` after a group only makes it optional; after a quantifier it makes it lazy.
      isQuantifier = false;
    }
    if (isQuantifier) {
      if (afterGroup && lastGroupUnbounded && unbounded) return true;
      if (unbounded && stack.length > 0) stack[stack.length - 1] = true;
    }
    afterGroup = false;
  }
  return false;
}

/** Characters worth repeating to probe a pattern: what its literals and classes can match. */
function probeCharacters(source: string): string[] {
  const chars = new Set<string>(['a', '1', ' ', '-', '_', '.', '/', '=', 'A', '\n', '@', ':']);
  for (let i = 0; i < source.length && chars.size < 40; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const e = source[i + 1];
      if (e === 'd') chars.add('7');
      else if (e === 'w') chars.add('x');
      else if (e === 's') chars.add('\t');
      else if (e !== undefined && !/[a-zA-Z0-9]/.test(e)) chars.add(e);
      i++;
    } else if (!'()[]{}*+?|^$'.includes(c)) chars.add(c);
  }
  return [...chars];
}

const PROBE_LENGTH = 20_000;
const PROBE_TIMEOUT_MS = 100;
const PROBE_ATTEMPTS = 3;
let probeContext: vm.Context | undefined;
const vetted = new Set<string>();

/**
 * Runs the pattern over long repetitive inputs (`aaaa…!`, `a1a1…!`) in a VM context with a
 * timeout, which V8 can interrupt even inside a regular expression. A linear pattern scans
 * them in well under a millisecond; one with exponential or polynomial backtracking does not
 * finish in time. Returns the input that timed out, or undefined.
 */
function probe(re: RegExp): string | undefined {
  probeContext ??= vm.createContext({});
  const chars = probeCharacters(re.source);
  const inputs: string[] = [];
  for (const c of chars) inputs.push(c.repeat(PROBE_LENGTH) + '\u0000');
  for (let i = 0; i < Math.min(chars.length, 8); i++) {
    for (let j = i + 1; j < Math.min(chars.length, 8); j++) inputs.push((chars[i]! + chars[j]!).repeat(PROBE_LENGTH / 2) + '\u0000');
  }
  const script = new vm.Script('for (const s of inputs) { re.lastIndex = 0; s.replace(re, ""); }');
  for (const input of inputs) {
    // A catastrophic pattern times out every time; a linear one only when the machine stalled
    // the process (a loaded CI box): so only three timeouts in a row condemn it.
    let timeouts = 0;
    while (timeouts < PROBE_ATTEMPTS) {
      probeContext.re = new RegExp(re.source, re.flags);
      probeContext.inputs = [input];
      try {
        script.runInContext(probeContext, { timeout: PROBE_TIMEOUT_MS });
        break;
      } catch {
        timeouts++;
      }
    }
    if (timeouts === PROBE_ATTEMPTS) return input;
  }
  return undefined;
}

/**
 * Compiles and vets one user pattern. `pattern` is a RegExp, a regular expression source, or
 * `/source/flags` (flags `i`, `m`, `s`, `u`). Throws `TK_CONFIG_PATTERN` naming `label` when the
 * pattern is invalid, matches the empty string, nests repetition, or backtracks catastrophically.
 */
export function compileUserPattern(pattern: unknown, label: string): RegExp {
  // A RegExp shows as /source/flags in messages (JSON would print {}).
  const shown = pattern instanceof RegExp ? String(pattern) : pattern;
  let source: string;
  let flags = '';
  if (pattern instanceof RegExp) {
    source = pattern.source;
    flags = pattern.flags.replace(/[gy]/g, '');
  } else if (typeof pattern === 'string' && pattern !== '') {
    const m = SLASHED.exec(pattern);
    if (m && ALLOWED_FLAGS.test(m[2] ?? '')) {
      source = m[1] as string;
      flags = m[2] ?? '';
    } else source = pattern;
  } else {
    throw configError('TK_CONFIG_PATTERN', { label, value: shown }, 'expected a regular expression (a RegExp, a source string, or "/source/flags")');
  }
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags}g`);
  } catch (e) {
    throw configError('TK_CONFIG_PATTERN', { label, value: shown }, `not a valid regular expression (${(e as Error).message})`);
  }
  if (re.test('')) {
    throw configError('TK_CONFIG_PATTERN', { label, value: shown }, 'it matches the empty string, so it would redact nothing useful; make it match at least one character');
  }
  re.lastIndex = 0;
  if (hasNestedQuantifier(source)) {
    throw configError('TK_CONFIG_PATTERN', { label, value: shown }, 'it nests repetition (like "(a+)+"), which can take catastrophic time on some inputs; rewrite it without a repeated group that itself repeats');
  }
  const key = `${flags}/${source}`;
  if (!vetted.has(key)) {
    const slow = probe(re);
    if (slow !== undefined) {
      const sample = JSON.stringify(slow.slice(0, 8));
      throw configError('TK_CONFIG_PATTERN', { label, value: shown }, `it takes catastrophic time (over ${PROBE_TIMEOUT_MS} ms) on a ${PROBE_LENGTH}-character input like ${sample}…; rewrite it without overlapping repetition (anchoring a leading \\w+ with \\b often does it)`);
    }
    vetted.add(key);
  }
  return re;
}

/** Compiles options' patterns and then `TRACEKIT_REDACT`'s, each vetted (see {@link compileUserPattern}). */
export function compileUserPatterns(fromOptions: readonly unknown[], fromEnv: string | undefined): RegExp[] {
  const out: RegExp[] = [];
  fromOptions.forEach((p, i) => out.push(compileUserPattern(p, `options.redaction.patterns[${i}]`)));
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    for (const p of splitPatternList(fromEnv)) out.push(compileUserPattern(p, 'TRACEKIT_REDACT'));
  }
  return out;
}
