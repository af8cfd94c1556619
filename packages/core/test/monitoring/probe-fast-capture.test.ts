/**
 * A probe's fast hit (the whole hit run on the app's thread through one
 * `Debugger.evaluateOnCallFrame` of TraceKit's fixed expression): the expression's names are
 * checked, and the expression, run in a scope holding hostile values, evaluates the probe's
 * compiled condition, captures and template with guarded reads and walks them with
 * `captureSnapshot`'s walker (no getter, no Proxy trap, redacted). The child-process tests in
 * probes.test.ts run it on real paused frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getClient, shutdown } from '../../src/index.js';
import { installProbeHook, removeProbeHook, setProbePrograms, takeProbeContext, takeProbeResult } from '../../src/monitoring/probe-context.js';
import { isSafeLocalName, probeEvalExpression, type FastPlan } from '../../src/monitoring/probe-protocol.js';
import { monitored } from './helpers.js';

afterEach(async () => {
  removeProbeHook();
  if (getClient()) await shutdown();
});

/** Runs the expression as V8 would on the paused frame: the names resolve in the frame's scope (`late` is still in its dead zone). */
function runOnFrame(expr: string, order: unknown, proxy: unknown, self: unknown = undefined): unknown {
  const run = new Function('order', 'proxy', `return ${expr}; let late = 1;`) as (this: unknown, o: unknown, p: unknown) => unknown;
  return run.call(self, order, proxy);
}

function hostile() {
  const state = { touched: false };
  const touch = () => {
    state.touched = true;
    return 1;
  };
  const order = { id: 7, user: { id: 42, name: 'Ann', password: 'hunter2hunter2' }, card: '4111 1111 1111 1111', get secret() { return touch(); } };
  const proxy = new Proxy({ b: 1 }, { get: touch, ownKeys: () => (touch(), []), getOwnPropertyDescriptor: () => (touch(), undefined), getPrototypeOf: () => (touch(), null) });
  return { state, order, proxy };
}

describe('the fast hit expression', () => {
  it('takes plain identifiers only', () => {
    for (const ok of ['order', 'user', '$x', '_a1', 'total', 'ünicode'.slice(1)]) expect(isSafeLocalName(ok)).toBe(true);
    for (const bad of ['', 'a-b', 'a;process.exit()', 'a b', '1a', '__proto__', 'let', 'await', 'arguments', 'eval', 'globalThis', 'this', 'x'.repeat(65), '.result', '*default*'])
      expect(isSafeLocalName(bad)).toBe(false);
    expect(() => probeEvalExpression('s', 'p', { roots: ['order', 'a);process.exit(1);(b'], usesThis: false })).toThrow(/not a plain variable name/);
    expect(() => probeEvalExpression('s', 'p', { roots: [], usesThis: false, locals: ['x', 'constructor}) || process.exit(1'] })).toThrow(/not a plain variable name/);
  });

  it('writes the IDs as JSON string literals and never the expression text', () => {
    const e = probeEvalExpression('id")+process.exit(1)+("', 'p"\n', { roots: ['a'], usesThis: false });
    expect(e.startsWith('globalThis.__tracekitProbeEval("id\\")+process.exit(1)+(\\"", "p\\"\\n", {')).toBe(true);
    expect(e).not.toContain('this');
  });

  it('a plain probe: its locals walked with the snapshot walker, redacted, no getter or trap run, a binding in its dead zone is undefined', async () => {
    await monitored();
    installProbeHook();
    setProbePrograms([{ id: 'probe-1' }]);
    const { state, order, proxy } = hostile();
    const plan: FastPlan = { roots: [], usesThis: false, locals: ['order', 'proxy', 'late'] };
    expect(runOnFrame(probeEvalExpression('snap-1', 'probe-1', plan), order, proxy)).toBe('ok');
    expect(state.touched).toBe(false);
    const result = takeProbeResult('snap-1')!;
    if (!('values' in result)) throw new Error('no values');
    expect(result.values.value).toEqual({
      order: { id: 7, user: { id: 42, name: 'Ann', password: '***' }, card: '4111***1111', secret: { $omitted: 'getter' } },
      proxy: { $omitted: 'proxy', $type: 'Proxy' },
      late: { $type: 'undefined' },
    });
    expect(result.values.omissions).toEqual(expect.arrayContaining([{ path: 'order.secret', reason: 'getter' }, { path: 'proxy', reason: 'proxy' }, { path: 'order.user.password', reason: 'redacted' }]));
    // The request context was taken under the same ID, and each is handed out once.
    expect(takeProbeContext('snap-1')).toBeDefined();
    expect(takeProbeResult('snap-1')).toBeUndefined();
  });

  it('a condition compiled to guarded reads: false skips the hit (nothing kept), true captures; getters and traps never run', async () => {
    await monitored();
    installProbeHook();
    setProbePrograms([
      { id: 'no', condition: 'order.user.id == 41 || order.secret == 1 || proxy.b == 1' },
      { id: 'yes', condition: "order.user.id == 42 && order.user.name == 'Ann'", capture: ['order.user', 'order.secret', 'proxy.b', 'order.user.password', 'order.id > 5', 'missing.x'] },
    ]);
    const { state, order, proxy } = hostile();
    const roots = { roots: ['order', 'proxy'], usesThis: false };
    expect(runOnFrame(probeEvalExpression('s-no', 'no', roots), order, proxy)).toBe('skip');
    expect(takeProbeResult('s-no')).toBeUndefined();
    expect(takeProbeContext('s-no')).toBeUndefined();
    expect(runOnFrame(probeEvalExpression('s-yes', 'yes', roots), order, proxy)).toBe('ok');
    expect(state.touched).toBe(false);
    const result = takeProbeResult('s-yes')!;
    if (!('values' in result)) throw new Error('no values');
    expect(result.values.value).toEqual({
      'order.user': { id: 42, name: 'Ann', password: '***' },
      'order.secret': { $omitted: 'getter' },
      'proxy.b': { $omitted: 'proxy', $type: 'Proxy' },
      'order.user.password': '***',
      'order.id > 5': true,
      'missing.x': { $type: 'undefined' },
    });
    expect(result.values.omissions).toEqual(expect.arrayContaining([{ path: 'order.secret', reason: 'getter' }, { path: 'proxy.b', reason: 'proxy' }, { path: 'order.user.password', reason: 'redacted' }]));
    expect(takeProbeContext('s-yes')).toBeDefined();
  });

  it('a log template is rendered on the app\'s thread, `this` passed when an expression reads it', async () => {
    await monitored();
    installProbeHook();
    setProbePrograms([{ id: 'log', log: 'order {order.id} by {this.name} {proxy.b} {order.secret} {order.user}' }]);
    const { state, order, proxy } = hostile();
    const expr = probeEvalExpression('s-log', 'log', { roots: ['order', 'proxy'], usesThis: true });
    expect(runOnFrame(expr, order, proxy, { name: 'svc' })).toBe('ok');
    expect(takeProbeResult('s-log')).toEqual({ message: 'order 7 by svc [proxy] [getter] [object]' });
    expect(state.touched).toBe(false);
  });

  it('a probe it does not know, or hostile arguments: false (the worker then reads with the protocol), never a throw', async () => {
    await monitored();
    installProbeHook();
    setProbePrograms([{ id: 'known' }]);
    const hook = (globalThis as Record<string, unknown>).__tracekitProbeEval as (...a: unknown[]) => unknown;
    expect(hook('s', 'unknown', {}, undefined, {})).toBe(false);
    expect(hook(1, 'known', {}, undefined, {})).toBe(false);
    expect(hook('s', 'known', null, undefined, {})).toBe(false);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(hook('s2', 'known', {}, undefined, revoked.proxy)).toBe('ok');
    const result = takeProbeResult('s2')!;
    expect(result).toEqual({ values: { value: { value: { $omitted: 'proxy', $type: 'Proxy' } }, omissions: [{ path: 'value', reason: 'proxy' }], omittedTotal: 1 } });
    // Programs follow the armed list: a probe taken out is unknown again.
    setProbePrograms([]);
    expect(hook('s3', 'known', {}, undefined, {})).toBe(false);
  });
});
