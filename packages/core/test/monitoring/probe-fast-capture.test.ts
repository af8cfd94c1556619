/**
 * The fast capture of a plain line probe (its locals walked on the app's thread through one
 * `Debugger.evaluateOnCallFrame` of TraceKit's fixed expression): the expression's names are
 * checked, and the expression, run in a scope holding hostile values, walks them with
 * `captureSnapshot`'s walker (no getter, no Proxy trap, redacted). The child-process test in
 * probes.test.ts runs it on a real paused frame.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getClient, shutdown } from '../../src/index.js';
import { installProbeHook, removeProbeHook, takeProbeContext, takeProbeValues } from '../../src/monitoring/probe-context.js';
import { isSafeLocalName, probeCaptureExpression } from '../../src/monitoring/probe-protocol.js';
import { monitored } from './helpers.js';

afterEach(async () => {
  removeProbeHook();
  if (getClient()) await shutdown();
});

describe('the fast capture expression', () => {
  it('takes plain identifiers only', () => {
    for (const ok of ['order', 'user', '$x', '_a1', 'total', 'ünicode'.slice(1)]) expect(isSafeLocalName(ok)).toBe(true);
    for (const bad of ['', 'a-b', 'a;process.exit()', 'a b', '1a', '__proto__', 'let', 'await', 'arguments', 'eval', 'globalThis', 'this', 'x'.repeat(65), '.result', '*default*'])
      expect(isSafeLocalName(bad)).toBe(false);
    expect(() => probeCaptureExpression('s', 'p', ['order', 'a);process.exit(1);(b'])).toThrow(/not a plain variable name/);
  });

  it('writes the IDs as JSON string literals', () => {
    const e = probeCaptureExpression('id")+process.exit(1)+("', 'p"\n', ['a']);
    expect(e.startsWith('globalThis.__tracekitProbeCapture("id\\")+process.exit(1)+(\\"", "p\\"\\n", {')).toBe(true);
  });

  it('run in a scope of hostile values: walked with the snapshot walker, redacted, no getter or trap run, a binding in its dead zone is undefined', async () => {
    await monitored();
    installProbeHook();
    let touched = false;
    const touch = () => {
      touched = true;
      return 1;
    };
    const order = { id: 7, user: { name: 'Ann', password: 'hunter2hunter2' }, card: '4111 1111 1111 1111', get secret() { return touch(); } };
    const proxy = new Proxy({ b: 1 }, { get: touch, ownKeys: () => (touch(), []), getOwnPropertyDescriptor: () => (touch(), undefined), getPrototypeOf: () => (touch(), null) });
    const expr = probeCaptureExpression('snap-1', 'probe-1', ['order', 'proxy', 'late']);
    // The same code V8 runs on the paused frame: the names resolve in the frame's scope (`late` is still in its dead zone).
    const run = new Function('order', 'proxy', `return ${expr}; let late = 1;`) as (o: unknown, p: unknown) => unknown;
    expect(run(order, proxy)).toBe(true);
    expect(touched).toBe(false);
    const walked = takeProbeValues('snap-1')!;
    expect(walked.value).toEqual({
      order: { id: 7, user: { name: 'Ann', password: '***' }, card: '4111***1111', secret: { $omitted: 'getter' } },
      proxy: { $omitted: 'proxy', $type: 'Proxy' },
      late: { $type: 'undefined' },
    });
    expect(walked.omissions).toEqual(expect.arrayContaining([{ path: 'order.secret', reason: 'getter' }, { path: 'proxy', reason: 'proxy' }, { path: 'order.user.password', reason: 'redacted' }]));
    // The request context was taken under the same ID, and each is handed out once.
    expect(takeProbeContext('snap-1')).toBeDefined();
    expect(takeProbeValues('snap-1')).toBeUndefined();
  });
});
