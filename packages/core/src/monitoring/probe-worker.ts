/**
 * The line-probe worker (a `worker_threads` entry, built as `dist/probe-worker.js`). It holds
 * the only inspector session, connected to the main thread with
 * `Session.connectToMainThread()` (no port is ever opened). The debugger is enabled only while
 * at least one probe is set, and disabled when the last one goes. On a hit the app's thread is
 * paused. At a probe's first hit this worker evaluates the condition and reads the values under
 * a hard deadline with `Runtime.getProperties`, resumes, and only then posts what it read to the
 * main thread, which redacts and records it; it also learns in which scopes the probe's variables
 * live. From then on one call on the paused frame runs the whole hit on the app's thread: the
 * probe's expressions compiled to guarded reads, its values walked with `captureSnapshot`'s
 * walker. The only code it evaluates on the paused frame is TraceKit's own fixed expressions
 * (probe-protocol.ts): the request-context hook and that call; the user's text never is.
 */
import inspector from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { urlToPath } from '../errors/parse-stack.js';
import { isTrue, evaluate, parseExpression, parseTemplate, rootsOf, showRead, type Expr, type PathReader, type Read, type Template } from './expression.js';
import { PROBE_LIMITS, type WalkLimits } from './limits.js';
import { ProbeLocator, type ParsedScript } from './probe-location.js';
import { MAX_FAST_LOCALS, isSafeLocalName, probeEvalExpression, probeHitExpression, type FastPlan, type HitFrame, type WorkerInbound, type WorkerOutbound, type WorkerProbe } from './probe-protocol.js';
import { snapshotId } from './snapshot-record.js';
import { MAX_READ_ITEMS, RemoteWalker, sizeOf, type Deadline, type RemoteObject, type RemoteProperty } from './remote-walker.js';
import { unreadableValue, type SnapshotValue } from './walker.js';

interface Settings {
  walk: WalkLimits;
  pauseBudgetMs: number;
  perSecond: number;
  /** Set to 1 (and notified) once the session is closed at the process's exit. */
  closed: Int32Array;
}

interface Armed {
  spec: WorkerProbe;
  condition?: Expr;
  captures?: Array<{ text: string; expr: Expr }>;
  template?: Template;
  breakpointId?: string;
  hits: number;
  lastHit: number;
  /** Pause durations (ms) with their end time, for the cost check. */
  pauses: Array<[number, number]>;
  disarmed: boolean;
  /** Taken out for its rate limit (see coolDown). */
  cooling?: boolean;
  /** The key of its V8 breakpoint's location in `byLocation`. */
  location?: string;
  /** Paths of objects found huge at earlier hits: marked `size` without a read (see `HUGE_OBJECT_KEYS`). */
  huge: Set<string>;
  /** The variables its condition, captures and template read (`this` apart), each once. */
  roots: string[];
  /** An expression reads `this`. */
  usesThis: boolean;
  /** No captures and no template: it captures the frame's locals. */
  plain: boolean;
  /** The roots found in the frame's scopes at an earlier hit (`learnRoots`): what its fast hits pass. */
  fastRoots?: string[];
  /** A plain probe's locals, learnt from the scope read of an earlier capture (`learnNames`). */
  fastLocals?: string[];
  /** This probe always reads with `Runtime.getProperties` (a variable it cannot pass by name, or its fast hit failed once). */
  fastOff?: boolean;
}

const settings = workerData as Settings;
const port = parentPort!;
const send = (m: WorkerOutbound) => port.postMessage(m);

/** The session exists only while a probe is set: with none, this worker holds no connection at all. */
let session: inspector.Session | undefined;

function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    if (!session) return reject(new Error('no inspector session'));
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T)));
  });
}

const scripts = new Map<string, ParsedScript>();
const locator = new ProbeLocator();
const probes = new Map<string, Armed>();
/** V8 breakpoints and the probes on them: several probes on one line share one breakpoint. */
const byBreakpoint = new Map<string, Set<Armed>>();
/** V8 breakpoint IDs by location, so a second probe on a line joins the first one's breakpoint. */
const byLocation = new Map<string, { id: string; resolved: boolean }>();
let enabled = false;
let changing: Promise<void> = Promise.resolve();

function onScriptParsed(m: { params: { scriptId: string; url: string; sourceMapURL?: string } }): void {
  const { scriptId, url, sourceMapURL } = m.params;
  if (!url || url.startsWith('node:')) return;
  scripts.set(scriptId, sourceMapURL ? { url, sourceMapURL } : { url });
  // A TypeScript probe waiting for its compiled module: try again now that a mapped script loaded.
  if (sourceMapURL) for (const a of probes.values()) if (!a.breakpointId && !a.disarmed && !a.cooling && a.spec.retry) void install(a);
}

function onBreakpointResolved(m: { params: { breakpointId: string } }): void {
  for (const loc of byLocation.values()) if (loc.id === m.params.breakpointId) loc.resolved = true;
  for (const a of byBreakpoint.get(m.params.breakpointId) ?? []) send({ type: 'status', id: a.spec.id, status: 'installed' });
}

async function setEnabled(on: boolean): Promise<void> {
  if (on === enabled) return;
  if (on) {
    scripts.clear();
    session = new inspector.Session();
    session.connectToMainThread();
    session.on('Debugger.scriptParsed', onScriptParsed);
    session.on('Debugger.breakpointResolved', onBreakpointResolved);
    session.on('Debugger.paused', onPausedEvent);
    await post('Debugger.enable', { maxScriptsCacheSize: 0 });
    enabled = true;
  } else {
    await post('Debugger.disable').catch(() => undefined);
    session?.disconnect();
    session = undefined;
    enabled = false;
    byBreakpoint.clear();
    byLocation.clear();
  }
  send({ type: 'debugger', enabled });
}

function compile(spec: WorkerProbe): Armed | string {
  const a: Armed = { spec, hits: spec.hitsBefore, lastHit: 0, pauses: [], disarmed: false, huge: new Set(), roots: [], usesThis: false, plain: !spec.capture && !spec.log };
  try {
    if (spec.condition) a.condition = parseExpression(spec.condition);
    if (spec.capture) a.captures = spec.capture.map((text) => ({ text, expr: parseExpression(text) }));
    if (spec.log) a.template = parseTemplate(spec.log);
  } catch (e) {
    return `invalid expression: ${(e as Error).message}`;
  }
  const roots = new Set<string>();
  for (const e of [a.condition, ...(a.captures ?? []).map((c) => c.expr), ...(a.template ?? [])]) if (e && typeof e !== 'string') rootsOf(e, roots);
  a.usesThis = roots.delete('this');
  a.roots = [...roots];
  return a;
}

async function install(a: Armed): Promise<void> {
  const target = locator.resolve(a.spec.file, a.spec.line, scripts.values());
  if (target.kind === 'error') {
    a.spec.retry = false;
    send({ type: 'status', id: a.spec.id, status: 'error', error: target.reason });
    return;
  }
  if (target.kind === 'wait') {
    send({ type: 'status', id: a.spec.id, status: 'pending', error: target.reason });
    return;
  }
  try {
    const params =
      target.kind === 'set'
        ? { url: target.url, lineNumber: target.line - 1, ...(target.column !== undefined ? { columnNumber: target.column } : {}) }
        : { urlRegex: target.urlRegex, lineNumber: target.line - 1 };
    const key = JSON.stringify(params);
    let loc = byLocation.get(key);
    if (!loc) {
      const res = await post<{ breakpointId: string; locations: unknown[] }>('Debugger.setBreakpointByUrl', params);
      loc = byLocation.get(key) ?? { id: res.breakpointId, resolved: res.locations.length > 0 };
      byLocation.set(key, loc);
    }
    a.breakpointId = loc.id;
    a.location = key;
    let set = byBreakpoint.get(loc.id);
    if (!set) byBreakpoint.set(loc.id, (set = new Set()));
    set.add(a);
    if (loc.resolved) send({ type: 'status', id: a.spec.id, status: 'installed', generatedLine: target.line });
    else if (target.kind === 'set') send({ type: 'status', id: a.spec.id, status: 'error', error: `line ${a.spec.line} has no code V8 can stop at` });
    else send({ type: 'status', id: a.spec.id, status: 'pending' });
  } catch (e) {
    send({ type: 'status', id: a.spec.id, status: 'error', error: String((e as Error).message ?? e) });
  }
}

/** Takes a probe off its V8 breakpoint; the breakpoint goes when no probe is left on it. */
async function detach(a: Armed): Promise<void> {
  const id = a.breakpointId;
  if (!id) return;
  a.breakpointId = undefined;
  const set = byBreakpoint.get(id);
  set?.delete(a);
  if (set && set.size > 0) return;
  byBreakpoint.delete(id);
  if (a.location) byLocation.delete(a.location);
  await post('Debugger.removeBreakpoint', { breakpointId: id }).catch(() => undefined);
}

async function remove(a: Armed): Promise<void> {
  a.disarmed = true;
  await detach(a);
}

async function apply(list: WorkerProbe[]): Promise<void> {
  const wanted = new Map(list.map((p) => [p.id, p]));
  const identity = (p: WorkerProbe) => JSON.stringify({ ...p, hitsBefore: 0, retry: false });
  for (const [id, a] of probes) {
    const w = wanted.get(id);
    if (!w || identity(w) !== identity(a.spec)) {
      await remove(a);
      probes.delete(id);
    }
  }
  await setEnabled(wanted.size > 0);
  for (const spec of list) {
    if (probes.has(spec.id)) continue;
    const a = compile({ ...spec, retry: !/\.[cm]?js$/.test(spec.file) });
    if (typeof a === 'string') {
      send({ type: 'status', id: spec.id, status: 'error', error: a });
      continue;
    }
    probes.set(spec.id, a);
    await install(a);
  }
}

port.on('message', (m: WorkerInbound) => {
  if (m.type === 'set') changing = changing.then(() => apply(m.probes)).catch((e) => send({ type: 'fatal', error: String(e) }));
  else if (m.type === 'stop') changing = changing.then(() => apply([]));
  else if (m.type === 'exit') {
    // The app's thread waits (briefly) for this: a session still connected at exit makes Node
    // print "Waiting for the debugger to disconnect..." and wait for it.
    session?.disconnect();
    session = undefined;
    Atomics.store(settings.closed, 0, 1);
    Atomics.notify(settings.closed, 0);
  }
});

/**
 * One pause's reads of own properties, each object read once (the condition, the captures and
 * the request-context hook share them), and none started or waited for past the deadline.
 */
class PauseReads {
  private readonly cache = new Map<string, Promise<PropertiesAnswer>>();

  constructor(readonly deadline: Deadline) {}

  /** The answer of `Runtime.getProperties` for `objectId` (own, with previews); rejects with `timeout` once the deadline passed. */
  answer(objectId: string): Promise<PropertiesAnswer> {
    let answer = this.cache.get(objectId);
    if (!answer) {
      if (this.deadline.passed) return Promise.reject(new Error('timeout'));
      const read = getProperties(objectId);
      read.catch(() => undefined);
      answer = Promise.race([read, this.deadline.abandoned.then(() => Promise.reject(new Error('timeout')))]);
      answer.catch(() => undefined);
      this.cache.set(objectId, answer);
    }
    return answer;
  }

  /** The own properties of `objectId`. */
  props(objectId: string): Promise<RemoteProperty[]> {
    return this.answer(objectId).then((a) => a.result);
  }

  /** `getProperties` answered from this pause's reads, for the walker. */
  readonly forWalker = (objectId: string): Promise<PropertiesAnswer> => this.answer(objectId);
}

type PropertiesAnswer = { result: RemoteProperty[]; internalProperties?: Array<{ name: string; value?: RemoteObject }> };

/** One paused frame's reader: identifiers from its scopes (not the global one), then property steps. */
function frameReader(frame: { scopeChain: Array<{ type: string; object: RemoteObject }>; this?: RemoteObject }, reads: PauseReads): {
  read: PathReader;
  resolvePath: (e: Extract<Expr, { kind: 'path' }>) => Promise<RemoteObject | Unreadable | undefined>;
} {
  const props = (objectId: string): Promise<RemoteProperty[]> => reads.props(objectId);
  const lookupRoot = async (name: string): Promise<RemoteObject | Unreadable | undefined> => {
    if (name === 'this') return frame.this;
    for (const scope of frame.scopeChain) {
      if (scope.type === 'global' || !scope.object.objectId) continue;
      const hit = (await props(scope.object.objectId)).find((p) => p.name === name);
      // A binding that is an accessor (a `with` scope's object): never called, marked as a getter.
      if (hit) return 'value' in hit ? hit.value : hit.get || hit.set ? { unreadable: 'getter' } : undefined;
    }
    return undefined;
  };
  const resolvePath = async (e: Extract<Expr, { kind: 'path' }>): Promise<RemoteObject | Unreadable | undefined> => {
    const root = await lookupRoot(e.root);
    if (root && isUnreadable(root)) return root;
    let cur = root;
    for (const step of e.steps) {
      if (!cur || cur.type !== 'object' || !cur.objectId || cur.subtype === 'null') return undefined;
      // A Proxy's traps are never run: the path stops here, marked.
      if (cur.subtype === 'proxy') return { unreadable: 'proxy' };
      // A step into a collection too long to read (its read would return every element): marked `size`.
      if ((cur.subtype === 'array' || cur.subtype === 'typedarray' || cur.subtype === 'map' || cur.subtype === 'set') && sizeOf(cur) > MAX_READ_ITEMS) return { unreadable: 'size' };
      // A primitive the parent's preview shows whole needs no read (a condition such as
      // `user.id == 42` then costs the scope's read only).
      const shown = fromParentPreview(cur, String(step));
      if (shown) return shown;
      const p = (await props(cur.objectId)).find((x) => x.name === String(step)) ?? (await inherited(cur, String(step)));
      if (!p) return undefined;
      // Accessors (own or inherited, such as IncomingMessage#headers) are never called: marked as getters.
      if (!('value' in p)) return p.get || p.set ? { unreadable: 'getter' } : undefined;
      cur = p.value;
    }
    return cur;
  };
  /** A property found on the prototype chain (own properties only at each level, never a getter run). */
  const inherited = async (obj: RemoteObject, name: string): Promise<RemoteProperty | undefined> => {
    let at: RemoteObject | undefined = obj;
    for (let depth = 0; depth < 8 && at?.objectId; depth++) {
      if (reads.deadline.passed) throw new Error('timeout');
      const internal: RemoteObject | undefined = (await getPropertiesInternal(at.objectId)).find((p) => p.name === '[[Prototype]]' || p.name === '__proto__')?.value;
      if (!internal?.objectId || internal.subtype === 'null' || internal.subtype === 'proxy') return undefined;
      const hit = (await props(internal.objectId)).find((x) => x.name === name);
      if (hit) return hit;
      at = internal;
    }
    return undefined;
  };
  const read: PathReader = async (e) => {
    const ro = await resolvePath(e);
    if (!ro) return { primitive: true, value: undefined };
    if (isUnreadable(ro)) return { primitive: true, value: undefined, unreadable: ro.unreadable };
    switch (ro.type) {
      case 'string':
      case 'number':
      case 'boolean':
        return { primitive: true, value: ro.value as string };
      case 'bigint':
        return { primitive: true, value: BigInt((ro.unserializableValue ?? '0n').replace(/n$/, '')) };
      case 'undefined':
        return { primitive: true, value: undefined };
      default:
        return ro.subtype === 'null' ? { primitive: true, value: null } : { primitive: false };
    }
  };
  return { read, resolvePath };
}

/**
 * Property `name` of a plain object or array as V8's preview of it shows it, when that is the
 * whole value: a number, boolean, null, undefined, BigInt or a string shorter than V8's preview
 * cut (an accessor is marked `getter`, as a read would). Objects need a read (for their ID), and
 * so does a name the preview does not list.
 */
function fromParentPreview(parent: RemoteObject, name: string): RemoteObject | Unreadable | undefined {
  const pv = parent.preview;
  if (!pv || (parent.subtype !== undefined && parent.subtype !== 'array')) return undefined;
  const p = pv.properties.find((x) => x.name === name);
  if (!p) return undefined;
  const text = p.value ?? '';
  switch (p.type) {
    case 'accessor':
      return { unreadable: 'getter' };
    case 'number':
      return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) && text !== '-0' ? { type: 'number', value: Number(text) } : { type: 'number', unserializableValue: text };
    case 'boolean':
      return { type: 'boolean', value: text === 'true' };
    case 'undefined':
      return { type: 'undefined' };
    case 'bigint':
      return { type: 'bigint', unserializableValue: text.endsWith('n') ? text : `${text}n` };
    case 'string':
      // V8 cuts preview strings at 100 characters: a string that long is read whole.
      return text.length < 99 ? { type: 'string', value: text } : undefined;
    case 'object':
      return p.subtype === 'null' ? { type: 'object', subtype: 'null' } : undefined;
    default:
      return undefined;
  }
}

/** A path value never read: it went through a getter or a Proxy, or into a collection too long to read. */
interface Unreadable {
  unreadable: 'getter' | 'proxy' | 'size';
}

const isUnreadable = (v: RemoteObject | Unreadable): v is Unreadable => 'unreadable' in v;

/** The value of a captured path: what the walker makes of it, or the omission that stopped it. */
async function pathValue(walker: RemoteWalker, ro: RemoteObject | Unreadable | undefined, text: string): Promise<SnapshotValue> {
  if (ro && isUnreadable(ro)) {
    walker.omit(text, ro.unreadable);
    return unreadableValue(ro.unreadable);
  }
  return walker.value(ro, text, 1);
}

/** Internal properties (`[[Prototype]]`) of an object, without its own ones or previews. */
async function getPropertiesInternal(objectId: string): Promise<Array<{ name: string; value?: RemoteObject }>> {
  const res = await post<{ internalProperties?: Array<{ name: string; value?: RemoteObject }>; result: RemoteProperty[] }>('Runtime.getProperties', { objectId, ownProperties: true });
  return [...(res.internalProperties ?? []), ...res.result];
}

function getProperties(objectId: string): Promise<{ result: RemoteProperty[]; internalProperties?: Array<{ name: string; value?: RemoteObject }> }> {
  return post('Runtime.getProperties', { objectId, ownProperties: true, generatePreview: true });
}


/**
 * Has the app's thread, still paused, record the request context of this capture (and, for a
 * snapshot, the span event pointing at it) by calling TraceKit's hook with a fixed expression;
 * one round trip. Failures only cost the capture its context.
 */
async function takeContext(frame: PausedFrame, id: string, probeId: string, snapshot: boolean): Promise<void> {
  if (!frame.callFrameId) return;
  await post('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: probeHitExpression(id, probeId, snapshot), silent: true, returnByValue: true }).catch(() => undefined);
}

/**
 * A probe's fast hit: one `Debugger.evaluateOnCallFrame` of TraceKit's fixed expression
 * (`probeEvalExpression`: the snapshot and probe IDs as JSON literals, the variables by their
 * checked names), which calls TraceKit's function on the app's thread: it evaluates the probe's
 * compiled condition and, when it holds, takes the request context and keeps the message or the
 * walked values. `skip` when the condition was false; `failed` when the call failed or threw (the
 * caller then reads with the protocol); `late` when it was not answered by the deadline's end.
 */
async function fastHit(frame: PausedFrame, id: string, a: Armed, deadline: Deadline): Promise<'ok' | 'skip' | 'failed' | 'late'> {
  if (!frame.callFrameId || !a.fastRoots) return 'failed';
  let expression: string;
  try {
    const plan: FastPlan = { roots: a.fastRoots, usesThis: a.usesThis };
    if (a.plain) plan.locals = a.fastLocals;
    expression = probeEvalExpression(id, a.spec.id, plan);
  } catch {
    return 'failed';
  }
  const call = post<{ result?: { value?: unknown }; exceptionDetails?: unknown }>('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression, silent: true, returnByValue: true }).then(
    (r): 'ok' | 'skip' | 'failed' => (r.exceptionDetails ? 'failed' : r.result?.value === 'ok' ? 'ok' : r.result?.value === 'skip' ? 'skip' : 'failed'),
    (): 'failed' => 'failed',
  );
  return Promise.race([call, deadline.abandoned.then(() => 'late' as const)]);
}

/** Whether a probe's fast hit knows what to pass: its roots (and a plain probe's locals) learnt at earlier hits. */
const fastReady = (a: Armed): boolean => !a.fastOff && a.fastRoots !== undefined && (!a.plain || a.fastLocals !== undefined);

/**
 * At a protocol hit: finds the scope each of the probe's roots is bound in (the scopes' reads are
 * this pause's, shared with the condition's), so its later hits can pass them by name. A root
 * bound in no scope but the global one is left out (it reads as undefined, as on the protocol
 * path: a global read by name could run a getter); one bound in a `with` or `eval` scope, or as
 * an accessor, or whose name is not a plain identifier keeps the probe on protocol reads.
 */
async function learnRoots(a: Armed, frame: PausedFrame, reads: PauseReads): Promise<void> {
  // Nothing to look up (a plain probe without a condition): no scope needs a read.
  if (a.roots.length === 0) {
    a.fastRoots = [];
    return;
  }
  const scopes = frame.scopeChain.filter((scope) => scope.type !== 'global' && scope.object.objectId);
  const lists = await Promise.all(scopes.map((scope) => reads.props(scope.object.objectId!)));
  const found: string[] = [];
  for (const name of a.roots) {
    if (!isSafeLocalName(name)) {
      a.fastOff = true;
      return;
    }
    const at = lists.findIndex((list) => list.some((p) => p.name === name));
    if (at < 0) continue;
    const binding = lists[at]!.find((p) => p.name === name)!;
    if (scopes[at]!.type === 'with' || scopes[at]!.type === 'eval' || !('value' in binding)) {
      a.fastOff = true;
      return;
    }
    found.push(name);
  }
  a.fastRoots = found;
}

/**
 * After a plain probe's hit read its locals with the protocol: keeps their names for the fast
 * hits that follow, unless one cannot be written as a plain identifier, there are too many,
 * or a value is one the app's thread should not walk within a pause (a collection too long to read,
 * or an object found huge): then the probe keeps reading with the protocol, which bounds those. A
 * hit cut by the deadline decides nothing.
 */
function learnNames(a: Armed, lists: Array<RemoteProperty[] | undefined>, walker: RemoteWalker): void {
  if (lists.some((l) => !l) || walker.omissions.some((o) => o.reason === 'timeout')) return;
  const names: string[] = [];
  for (const list of lists) {
    for (const p of list!) {
      if (names.includes(p.name)) continue;
      const v = p.value;
      const long = v && (v.subtype === 'array' || v.subtype === 'typedarray' || v.subtype === 'map' || v.subtype === 'set') && sizeOf(v) > MAX_READ_ITEMS;
      if (!isSafeLocalName(p.name) || !('value' in p) || long || names.length >= MAX_FAST_LOCALS) {
        a.fastOff = true;
        return;
      }
      names.push(p.name);
    }
  }
  if (walker.hugeFound.length > 0) {
    a.fastOff = true;
    return;
  }
  a.fastLocals = names;
}

interface PausedFrame {
  callFrameId?: string;
  functionName: string;
  url: string;
  location: { scriptId: string; lineNumber: number; columnNumber?: number };
  scopeChain: Array<{ type: string; object: RemoteObject }>;
  this?: RemoteObject;
}

function onPausedEvent(m: { params: { hitBreakpoints?: string[]; callFrames: PausedFrame[]; reason: string } }): void {
  void onPaused(m.params, performance.now());
}

/**
 * The pause's hard deadline: a timer that, when it fires, marks the deadline passed (no read
 * starts after it: what would need one is marked `timeout`) and resumes the app at once, reads
 * still outstanding or not. V8 answers one session's requests in order, so the resume runs right
 * after the reads already sent (their answers, read during the pause, are still used); a request
 * sent after the resume fails at once ("Could not find object with given id": the paused frame's
 * objects are released), so nothing stalls the app after it. The worker stops waiting for
 * answers `ABANDON_AFTER_MS` after the deadline.
 */
function pauseDeadline(ms: number, onReached: () => void): Deadline & { cancel(): void } {
  let abandon!: () => void;
  const abandoned = new Promise<void>((r) => (abandon = r));
  let giveUp: NodeJS.Timeout | undefined;
  const d = {
    passed: false,
    abandoned,
    cancel: () => {
      clearTimeout(timer);
      clearTimeout(giveUp);
    },
  };
  const timer = setTimeout(() => {
    d.passed = true;
    onReached();
    giveUp = setTimeout(abandon, ABANDON_AFTER_MS);
  }, Math.max(0, ms));
  return d;
}

/** How long after the deadline the worker still waits for answers to reads sent before it (the app is already resumed). */
const ABANDON_AFTER_MS = 2000;

async function onPaused(params: { hitBreakpoints?: string[]; callFrames: PausedFrame[] }, arrived: number): Promise<void> {
  let resumeSent: Promise<void> | undefined;
  let resumedAt = 0;
  const resume = (): Promise<void> =>
    (resumeSent ??= post('Debugger.resume').then(
      () => void (resumedAt = performance.now()),
      () => void (resumedAt = performance.now()),
    ));
  // From the paused event's arrival: a timer resumes the app then, whatever is still being read.
  const deadline = pauseDeadline(arrived + settings.pauseBudgetMs - PROBE_LIMITS.pauseSafetyMs - performance.now(), () => void resume());
  const reads = new PauseReads(deadline);
  const frame = params.callFrames[0];
  const armed = (params.hitBreakpoints ?? []).flatMap((id) => [...(byBreakpoint.get(id) ?? [])]);
  const locals = frame ? frame.scopeChain.filter((scope) => (scope.type === 'local' || scope.type === 'block') && scope.object.objectId) : [];
  const hits: Array<Extract<WorkerOutbound, { type: 'hit' }>> = [];
  const hitProbes: Armed[] = [];
  // Probes that learn at this pause what their later hits pass by name: learnt first, while the
  // pause is young. The scope reads are one round trip, shared by every probe here and by their
  // conditions; learnt after a condition's own reads, on a loaded machine the deadline had often
  // passed by then, and a probe could stay on protocol reads for good, every hit cut.
  const learning = new Set<Armed>();
  try {
    if (frame && !deadline.passed) {
      for (const a of armed) if (!a.disarmed && !a.fastOff && a.fastRoots === undefined) learning.add(a);
      if (learning.size > 0) await Promise.all([...learning].map((a) => learnRoots(a, frame, reads).catch(() => undefined)));
    }
    for (const a of armed) {
      if (a.disarmed || !frame) continue;
      hitProbes.push(a);
      const now = Date.now();
      if (a.hits >= a.spec.maxHits || (a.lastHit > 0 && now - a.lastHit < 1000 / settings.perSecond)) continue;
      // Its roots (and locals) known from earlier hits: one call on the paused frame runs the whole hit on the app's thread.
      // A probe that learnt at this pause takes this hit with the protocol still (its first capture reads as before).
      if (fastReady(a) && !learning.has(a) && !deadline.passed) {
        const id = snapshotId();
        const got = await fastHit(frame, id, a, deadline);
        if (got === 'skip') continue;
        if (got === 'ok' || got === 'late') {
          a.hits++;
          a.lastHit = now;
          const hit: Extract<WorkerOutbound, { type: 'hit' }> = { type: 'hit', id: a.spec.id, snapshotId: id, taken: true, omissions: [], omittedTotal: 0, frames: hitFrames(params.callFrames), pauseMs: 0, hits: a.hits };
          if (got === 'late') hit.late = true;
          hits.push(hit);
          if (armed.length === 1) void resume();
          continue;
        }
        // A call that failed or threw here would again: this probe reads with the protocol from now on (this hit too).
        a.fastOff = true;
      }
      const walker = new RemoteWalker(reads.forWalker, settings.walk, deadline, a.huge);
      const { read, resolvePath } = frameReader(frame, reads);
      let holds: boolean;
      try {
        holds = !a.condition || (await isTrue(a.condition, read));
      } catch {
        continue;
      }
      if (!holds) continue;
      a.hits++;
      a.lastHit = now;
      const id = snapshotId();
      // Sent now and awaited after the reads: pipelined with them, it adds little to the pause.
      const contextTaken = deadline.passed ? Promise.resolve() : takeContext(frame, id, a.spec.id, !a.template);
      const hit: Extract<WorkerOutbound, { type: 'hit' }> = { type: 'hit', id: a.spec.id, snapshotId: id, omissions: [], omittedTotal: 0, frames: [], pauseMs: 0, hits: a.hits };
      if (a.template) {
        let text = '';
        for (const part of a.template) {
          if (typeof part === 'string') text += part;
          else {
            try {
              text += showRead(await evaluate(part, read));
            } catch {
              text += '[timeout]';
            }
          }
        }
        hit.message = text;
      } else {
        const values: { [key: string]: SnapshotValue } = {};
        try {
          if (a.captures) {
            // Captured expressions are read side by side (their reads pipelined).
            const read1 = async (c: { text: string; expr: Expr }): Promise<SnapshotValue> => {
              if (deadline.passed) {
                walker.omit(c.text, 'timeout');
                return { $omitted: 'timeout' };
              }
              try {
                return c.expr.kind === 'path' ? await pathValue(walker, await resolvePath(c.expr), c.text) : evaluateToValue(await evaluate(c.expr, read));
              } catch {
                walker.omit(c.text, 'timeout');
                return { $omitted: 'timeout' };
              }
            };
            const got = await Promise.all(a.captures.map(read1));
            a.captures.forEach((c, i) => (values[c.text] = got[i]!));
          } else {
            // No captures listed: the frame's local variables (local and block scopes, read side by side).
            const lists = await Promise.all(locals.map((scope) => reads.props(scope.object.objectId!).catch(() => undefined)));
            const walked = await Promise.all(lists.map((list) => (list ? walker.fields(list, '', 0) : undefined)));
            for (const fields of walked) {
              if (fields) Object.assign(values, fields);
              else walker.omit('', 'timeout');
            }
            if (!a.fastOff && !a.fastLocals) learnNames(a, lists, walker);
          }
        } catch {
          walker.omit('', 'timeout');
        }
        hit.values = values;
      }
      await Promise.race([contextTaken, deadline.abandoned]);
      // Everything is read: the app goes on now (the hit is assembled and posted afterwards).
      if (armed.length === 1) void resume();
      for (const path of walker.hugeFound) if (a.huge.size < 32) a.huge.add(path);
      // A value the app's thread should not walk within a pause (an object of more than 1000 keys): this probe keeps protocol reads, which bound it.
      if (walker.hugeFound.length > 0) a.fastOff = true;
      hit.omissions = walker.omissions;
      hit.omittedTotal = walker.omittedTotal;
      hit.frames = hitFrames(params.callFrames);
      hits.push(hit);
    }
  } catch (e) {
    send({ type: 'fatal', error: `reading a paused frame failed: ${String(e)}` });
  } finally {
    deadline.cancel();
    await resume();
  }
  // From the paused event's arrival to the resume's answer (the app runs again when V8 handles the resume, just before it answers).
  const pauseMs = resumedAt - arrived;
  for (const hit of hits) send({ ...hit, pauseMs });
  if (hits.length === 0 && hitProbes.length > 0) send({ type: 'pause', pauseMs });
  await costCheck(hitProbes, pauseMs);
  for (const hit of hits) {
    const a = probes.get(hit.id);
    if (a && !a.disarmed) void coolDown(a);
  }
}

/** The first 20 frames of a hit, in the generated JavaScript (the main thread maps them). */
function hitFrames(frames: PausedFrame[]): HitFrame[] {
  return frames.slice(0, 20).map((f) => ({
    function: f.functionName,
    file: urlToPath(f.url || scripts.get(f.location.scriptId)?.url || ''),
    line: f.location.lineNumber + 1,
    column: (f.location.columnNumber ?? 0) + 1,
  }));
}

/**
 * After a capture, a probe may not capture again for 1/perSecond s: its V8 breakpoint is removed
 * for that time, so a hot line does not pause the app only to be skipped.
 */
async function coolDown(a: Armed): Promise<void> {
  if (!a.breakpointId) return;
  a.cooling = true;
  await detach(a);
  const timer = setTimeout(() => {
    a.cooling = false;
    if (!a.disarmed && probes.get(a.spec.id) === a && enabled) void install(a);
  }, 1000 / settings.perSecond);
  timer.unref();
}

function evaluateToValue(r: Read): SnapshotValue {
  if (!r.primitive) return { $type: 'Object' };
  const v = r.value;
  // `a || b` whose chosen side went through a getter or a Proxy: marked, never "undefined".
  if (r.unreadable) return unreadableValue(r.unreadable);
  if (v === undefined) return { $type: 'undefined' };
  if (typeof v === 'bigint') return { $type: 'bigint', value: v.toString() };
  return v;
}

/** Disarms a probe whose pauses exceed 1% of wall time over 10 s, or that reached its hit limit. */
async function costCheck(hitProbes: Armed[], pauseMs: number): Promise<void> {
  const now = performance.now();
  for (const a of hitProbes) {
    a.pauses.push([now, pauseMs]);
    while (a.pauses.length > 0 && a.pauses[0]![0] < now - PROBE_LIMITS.costWindowMs) a.pauses.shift();
    const total = a.pauses.reduce((s, p) => s + p[1], 0);
    let reason: string | undefined;
    if (total > PROBE_LIMITS.maxPauseShare * PROBE_LIMITS.costWindowMs) reason = `pauses took ${total.toFixed(1)} ms in 10 s (over 1% of wall time)`;
    else if (a.hits >= a.spec.maxHits) reason = `hit limit of ${a.spec.maxHits} reached`;
    if (reason && !a.disarmed) {
      await remove(a);
      send({ type: 'disarmed', id: a.spec.id, reason });
    }
  }
}
