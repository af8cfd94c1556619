import { describe, expect, it } from 'vitest';
import { CallRecorder, finishPreview, PREVIEW_SLOTS, RING_CAPACITY, THREW } from '../../src/autotrace/recorder.js';

function recorder(previews = false) {
  const r = new CallRecorder({ enabled: true, previews, maxPreviewLength: 256 });
  r.f([['/app/a.js'], [['add', 0, 3, 1], ['boom', 0, 9, 1]]]);
  return r;
}

describe('CallRecorder', () => {
  it('records nothing while disabled', () => {
    const r = recorder();
    r.enabled = false;
    const token = r.e(0);
    expect(token).toBe(-1);
    r.x(0, token);
    expect(r.head).toBe(0);
  });

  it('writes one ring record per call, marking a throw seen by the catch that just ran', () => {
    const r = recorder();
    const a = r.e(0);
    r.x(0, a);
    const b = r.e(1);
    const err = new Error('x');
    r.t(b, err);
    r.x(1, b);
    expect(r.head).toBe(2);
    expect([r.nums[0], r.nums[3]]).toEqual([0, 0]);
    expect([r.nums[4], r.nums[7]]).toEqual([1, THREW]);
    expect(r.thrown[1]).toBe(err);
    expect(r.nums[2]! >= r.nums[1]!).toBe(true);
  });

  it('counts what does not fit in the ring instead of growing (recursion 10,000 deep fits)', () => {
    const r = recorder();
    const tokens: number[] = [];
    for (let i = 0; i < 10_000; i++) tokens.push(r.e(0));
    for (let i = tokens.length - 1; i >= 0; i--) r.x(0, tokens[i]!);
    expect([r.head, r.dropped]).toEqual([10_000, 0]);
    for (let i = 0; i < RING_CAPACITY; i++) r.x(0, r.e(0));
    expect(r.head).toBe(RING_CAPACITY);
    expect(r.dropped).toBe(10_000);
  });

  it('a hot function records one call in `every`', () => {
    const r = recorder();
    r.every[0] = 100;
    for (let i = 0; i < 1000; i++) r.x(0, r.e(0));
    expect(r.head).toBe(10);
    expect(r.sampledOut[0]).toBe(1000);
    r.x(1, r.e(1));
    expect(r.head).toBe(11);
  });

  it('previews the first calls, then samples; a previewed call keeps its previews in a slot', () => {
    const r = recorder(true);
    let token = r.e(0);
    expect(r.p).toBe(true);
    token = r.a(token, [1, 'two']);
    expect(token).toBeLessThan(-1);
    expect(r.r(token, 3)).toBe(3);
    r.x(0, token);
    expect(finishPreview(r.previewsOf[0]!, 256)).toEqual({ args: '[1,"two"]', result: '3' });
    const previewed = [];
    for (let i = 1; i <= 300; i++) {
      let t = r.e(0);
      if (r.p) {
        previewed.push(i + 1);
        t = r.a(t, []);
      }
      r.x(0, t);
    }
    expect(previewed).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 200, 300]);
  });

  it('a previewed call outliving the preview slots is dropped and counted, never given another call\'s previews', () => {
    const r = recorder(true);
    r.previewFirst = Infinity;
    const old = r.a(r.e(0), ['old']);
    for (let i = 0; i < PREVIEW_SLOTS; i++) r.x(0, r.a(r.e(0), [i]));
    const before = r.head;
    r.x(0, old);
    expect(r.head).toBe(before);
    expect(r.dropped).toBe(1);
  });
});
