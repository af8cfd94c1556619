import path from 'node:path';
import { CONTROL_LIMITS, PROBE_LIMITS } from './limits.js';
import type { BreakpointEntry, BreakpointsDocument, ProbeEntry, ProbeStatus } from './model.js';

/** The outcome of reading a breakpoints document: the document, or why it was refused. */
export type ParseResult = { ok: true; doc: BreakpointsDocument } | { ok: false; error: string };

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const STATUSES: readonly ProbeStatus[] = ['pending', 'installed', 'error', 'expired', 'disarmed'];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `file:line` split, the line a positive integer. */
export function parseLocation(location: string): { file: string; line: number } | undefined {
  const m = /^(.+):(\d{1,7})$/.exec(location);
  if (!m || m[1]!.includes('\0')) return undefined;
  const line = Number(m[2]);
  return line >= 1 ? { file: m[1]!, line } : undefined;
}

/** The absolute path of a probe's file, or undefined when it lies outside `root` (the project). */
export function fileInside(root: string, file: string): string | undefined {
  const resolved = path.resolve(root, file);
  const rel = path.relative(root, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return resolved;
}

function breakpoint(v: unknown, i: number): BreakpointEntry | string {
  const where = `breakpoints[${i}]`;
  if (!isObject(v)) return `${where} is not an object`;
  if (typeof v.id !== 'string' || !ID.test(v.id)) return `${where}.id must be 1 to 64 letters, digits or _.:-`;
  const str = (k: string) => (v[k] === undefined ? '' : typeof v[k] === 'string' ? (v[k] as string).slice(0, 1000) : undefined);
  const label = str('label');
  const file = str('file');
  const fn = str('function');
  if (label === undefined || file === undefined || fn === undefined) return `${where}: label, file and function must be strings`;
  if (v.enabled !== undefined && typeof v.enabled !== 'boolean') return `${where}.enabled must be true or false`;
  const int = (k: string) => v[k] === undefined || (Number.isInteger(v[k]) && (v[k] as number) >= 0);
  if (!int('line') || !int('captures') || !int('maxCaptures')) return `${where}: line, captures and maxCaptures must be whole numbers`;
  if (v.expiresAt !== undefined && v.expiresAt !== null && (typeof v.expiresAt !== 'string' || Number.isNaN(Date.parse(v.expiresAt)))) {
    return `${where}.expiresAt must be an ISO date or null`;
  }
  return {
    id: v.id,
    label,
    file,
    line: (v.line as number | undefined) ?? 0,
    function: fn,
    enabled: (v.enabled as boolean | undefined) ?? true,
    captures: (v.captures as number | undefined) ?? -1,
    maxCaptures: (v.maxCaptures as number | undefined) ?? -1,
    ...(v.expiresAt !== undefined ? { expiresAt: v.expiresAt as string | null } : {}),
    ...(typeof v.status === 'string' ? { status: v.status.slice(0, 64) } : {}),
  };
}

function probe(v: unknown, i: number, root: string): ProbeEntry | string {
  const where = `probes[${i}]`;
  if (!isObject(v)) return `${where} is not an object`;
  if (typeof v.id !== 'string' || !ID.test(v.id)) return `${where}.id must be 1 to 64 letters, digits or _.:-`;
  if (typeof v.location !== 'string') return `${where}.location must be "file:line"`;
  const loc = parseLocation(v.location);
  if (!loc) return `${where}.location must be "file:line"`;
  if (!fileInside(root, loc.file)) return `${where}.location ${JSON.stringify(v.location)} is outside the project`;
  const max = PROBE_LIMITS.maxExpressionLength;
  const text = (k: string) => v[k] === undefined || v[k] === null || (typeof v[k] === 'string' && (v[k] as string).length <= max);
  if (!text('condition') || !text('log')) return `${where}: condition and log must be strings of at most ${max} characters`;
  let capture: string[] | undefined;
  if (typeof v.capture === 'string') capture = v.capture.split(',').map((s) => s.trim()).filter(Boolean);
  else if (Array.isArray(v.capture)) {
    if (!v.capture.every((c) => typeof c === 'string' && c.length <= max)) return `${where}.capture must be a list of expressions`;
    capture = v.capture as string[];
  } else if (v.capture !== undefined && v.capture !== null) return `${where}.capture must be a list of expressions`;
  if (capture && capture.length > PROBE_LIMITS.maxCaptures) return `${where}.capture has more than ${PROBE_LIMITS.maxCaptures} expressions`;
  if (v.enabled !== undefined && typeof v.enabled !== 'boolean') return `${where}.enabled must be true or false`;
  if (v.maxHits !== undefined && !(Number.isInteger(v.maxHits) && (v.maxHits as number) >= 1)) return `${where}.maxHits must be a whole number of at least 1`;
  if (v.expiresAt !== undefined && v.expiresAt !== null && (typeof v.expiresAt !== 'string' || Number.isNaN(Date.parse(v.expiresAt)))) {
    return `${where}.expiresAt must be an ISO date or null`;
  }
  const out: ProbeEntry = { id: v.id, location: v.location, enabled: (v.enabled as boolean | undefined) ?? true };
  if (typeof v.condition === 'string' && v.condition.trim() !== '') out.condition = v.condition;
  if (capture && capture.length > 0) out.capture = capture;
  if (typeof v.log === 'string' && v.log !== '') out.log = v.log;
  if (typeof v.status === 'string' && (STATUSES as readonly string[]).includes(v.status)) out.status = v.status as ProbeStatus;
  if (typeof v.error === 'string') out.error = v.error.slice(0, 500);
  if (Number.isInteger(v.hits)) out.hits = v.hits as number;
  if (v.maxHits !== undefined) out.maxHits = v.maxHits as number;
  if (v.expiresAt !== undefined) out.expiresAt = v.expiresAt as string | null;
  return out;
}

/**
 * Validates a breakpoints document (the file's text or an endpoint's body). Anything wrong —
 * bad JSON, wrong types, duplicate IDs, a probe on a file outside `root`, more than 1 MiB —
 * refuses the whole document with one reason; the caller keeps its previous state.
 */
export function parseBreakpoints(text: string, root: string): ParseResult {
  if (text.length > CONTROL_LIMITS.maxFileBytes) return { ok: false, error: `larger than ${CONTROL_LIMITS.maxFileBytes} bytes` };
  if (text.trim() === '') return { ok: true, doc: { breakpoints: [], probes: [] } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not valid JSON (${(e as Error).message})` };
  }
  if (!isObject(json)) return { ok: false, error: 'expected an object with "breakpoints" and "probes" lists' };
  const rawBps = json.breakpoints ?? [];
  const rawProbes = json.probes ?? [];
  if (!Array.isArray(rawBps) || !Array.isArray(rawProbes)) return { ok: false, error: '"breakpoints" and "probes" must be lists' };
  if (rawBps.length > CONTROL_LIMITS.maxBreakpoints) return { ok: false, error: `more than ${CONTROL_LIMITS.maxBreakpoints} breakpoints` };
  if (rawProbes.length > PROBE_LIMITS.maxProbes) return { ok: false, error: `more than ${PROBE_LIMITS.maxProbes} probes` };
  const doc: BreakpointsDocument = { breakpoints: [], probes: [] };
  const ids = new Set<string>();
  for (let i = 0; i < rawBps.length; i++) {
    const bp = breakpoint(rawBps[i], i);
    if (typeof bp === 'string') return { ok: false, error: bp };
    if (ids.has(bp.id)) return { ok: false, error: `duplicate id ${bp.id}` };
    ids.add(bp.id);
    doc.breakpoints.push(bp);
  }
  for (let i = 0; i < rawProbes.length; i++) {
    const p = probe(rawProbes[i], i, root);
    if (typeof p === 'string') return { ok: false, error: p };
    if (ids.has(p.id)) return { ok: false, error: `duplicate id ${p.id}` };
    ids.add(p.id);
    doc.probes.push(p);
  }
  return { ok: true, doc };
}

/** The file's text: stable key order, two-space indentation, a final newline. */
export function serializeBreakpoints(doc: BreakpointsDocument): string {
  return `${JSON.stringify({ breakpoints: doc.breakpoints, probes: doc.probes }, null, 2)}\n`;
}
