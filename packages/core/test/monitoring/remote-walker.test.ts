import { describe, expect, it } from 'vitest';
import { WALK_LIMITS } from '../../src/monitoring/limits.js';
import { HUGE_OBJECT_KEYS, MAX_READ_ITEMS, RemoteWalker, type Deadline, type RemoteObject, type RemoteProperty } from '../../src/monitoring/remote-walker.js';

/**
 * The probe worker's walker on hand-made protocol answers: what it reads, what it leaves unread
 * and how it marks it. The deadline is moved by hand (no timing), and `getProperties` records
 * every object it is asked for, so "never read" is asserted, not timed.
 */
class FakeDebugger {
  readonly asked: string[] = [];
  readonly answers = new Map<string, RemoteProperty[]>();
  /** Objects whose read is never answered (a read the paused thread is still working on). */
  readonly hanging = new Set<string>();

  readonly getProperties = (objectId: string): Promise<{ result: RemoteProperty[] }> => {
    this.asked.push(objectId);
    if (this.hanging.has(objectId)) return new Promise(() => undefined);
    return Promise.resolve({ result: this.answers.get(objectId) ?? [] });
  };
}

function manualDeadline(): Deadline & { pass(): void; abandon(): void } {
  let abandon!: () => void;
  const d = {
    passed: false,
    abandoned: new Promise<void>((r) => (abandon = r)),
    pass: () => void (d.passed = true),
    abandon: () => abandon(),
  };
  return d;
}

const prop = (name: string, value: RemoteObject): RemoteProperty => ({ name, value, enumerable: true, isOwn: true });
const num = (n: number): RemoteObject => ({ type: 'number', value: n, description: String(n) });
const obj = (objectId: string, extra: Partial<RemoteObject> = {}): RemoteObject => ({ type: 'object', className: 'Object', description: 'Object', objectId, ...extra });

describe('the probe walker (remote values)', () => {
  it('never reads a collection longer than the read limit: an array of primitives is cut from its preview, others are marked size', async () => {
    const dbg = new FakeDebugger();
    const deadline = manualDeadline();
    const walker = new RemoteWalker(dbg.getProperties, WALK_LIMITS, deadline);
    const previewItems = Array.from({ length: 100 }, (_, i) => ({ name: String(i), type: 'number', value: String(i) }));
    const fields = await walker.fields(
      [
        prop('long', obj('arr', { subtype: 'array', className: 'Array', description: 'Array(100000)', preview: { overflow: true, properties: previewItems } })),
        prop('longOfObjects', obj('arr2', { subtype: 'array', className: 'Array', description: 'Array(100000)', preview: { overflow: true, properties: [{ name: '0', type: 'object', value: 'Object' }] } })),
        prop('map', obj('map', { subtype: 'map', className: 'Map', description: `Map(${MAX_READ_ITEMS + 1})` })),
        prop('bytes', obj('u8', { subtype: 'typedarray', className: 'Uint8Array', description: 'Uint8Array(1048576)' })),
      ],
      '',
      0,
    );
    expect(dbg.asked).toEqual([]);
    const long = fields.long as unknown[];
    expect(long).toHaveLength(101);
    expect(long.slice(0, 3)).toEqual([0, 1, 2]);
    expect(long[100]).toEqual({ $omitted: 'size', count: 100000 - 100 });
    expect(fields.longOfObjects).toEqual({ $omitted: 'size', $type: 'Array', length: 100000 });
    expect(fields.map).toEqual({ $omitted: 'size', $type: 'Map', length: MAX_READ_ITEMS + 1 });
    expect(fields.bytes).toEqual({ $omitted: 'size', $type: 'Uint8Array', length: 1048576 });
    expect(walker.omissions.map((o) => [o.path, o.reason])).toEqual([
      ['long', 'size'],
      ['longOfObjects', 'size'],
      ['map', 'size'],
      ['bytes', 'size'],
    ]);
  });

  it('after the deadline starts no read: values in hand are kept, what needs a read is marked timeout', async () => {
    const dbg = new FakeDebugger();
    const deadline = manualDeadline();
    const walker = new RemoteWalker(dbg.getProperties, WALK_LIMITS, deadline);
    deadline.pass();
    const fields = await walker.fields([prop('total', num(20)), prop('order', obj('order')), prop('small', obj('small', { preview: { overflow: false, properties: [{ name: 'a', type: 'number', value: '1' }] } }))], '', 0);
    expect(dbg.asked).toEqual([]);
    expect(fields).toEqual({ total: 20, order: { $omitted: 'timeout', $type: 'Object' }, small: { a: 1 } });
    expect(walker.omissions).toEqual([{ path: 'order', reason: 'timeout' }]);
    expect(walker.timedOut).toBe(true);
  });

  it('stops waiting for a read still unanswered when the worker abandons it, and marks it timeout', async () => {
    const dbg = new FakeDebugger();
    const deadline = manualDeadline();
    dbg.hanging.add('slow');
    dbg.answers.set('fast', [prop('x', num(1))]);
    const walker = new RemoteWalker(dbg.getProperties, WALK_LIMITS, deadline);
    const pending = walker.fields([prop('slow', obj('slow')), prop('fast', obj('fast'))], '', 0);
    // Both reads were sent before the deadline; the app is resumed at it, and the worker gives up on the slow one.
    deadline.pass();
    deadline.abandon();
    const fields = await pending;
    expect(dbg.asked).toEqual(['slow', 'fast']);
    expect(fields).toEqual({ slow: { $omitted: 'timeout', $type: 'Object' }, fast: { x: 1 } });
  });

  it('notes an object with more own properties than the limit, and does not read it at later hits', async () => {
    const dbg = new FakeDebugger();
    dbg.answers.set(
      'huge',
      Array.from({ length: HUGE_OBJECT_KEYS + 1 }, (_, i) => prop(`k${i}`, num(i))),
    );
    const first = new RemoteWalker(dbg.getProperties, WALK_LIMITS, manualDeadline());
    const walked = await first.fields([prop('huge', obj('huge'))], '', 0);
    expect(Object.keys(walked.huge as object)).toHaveLength(WALK_LIMITS.maxFields + 1);
    expect(first.hugeFound).toEqual(['huge']);
    // The next hit of the same probe: marked size, never read.
    dbg.asked.length = 0;
    const next = new RemoteWalker(dbg.getProperties, WALK_LIMITS, manualDeadline(), new Set(first.hugeFound));
    expect(await next.fields([prop('huge', obj('huge2'))], '', 0)).toEqual({ huge: { $omitted: 'size', $type: 'Object' } });
    expect(dbg.asked).toEqual([]);
  });
});
