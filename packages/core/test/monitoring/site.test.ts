import { describe, expect, it } from 'vitest';
import { breakpointId, callSiteFrom } from '../../src/monitoring/site.js';

const own = (f: string) => f.includes('/node_modules/@tracekit/core/');

describe('call sites of captureSnapshot', () => {
  it('skip TraceKit and Node frames; CommonJS paths', () => {
    const stack = `Error
    at TracekitClient.captureSnapshot (/srv/app/node_modules/@tracekit/core/dist/index.cjs:10:5)
    at OrderService.total (/srv/app/dist/orders.js:42:7)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
    expect(callSiteFrom(stack, '/srv/app', own)).toEqual({ file: '/srv/app/dist/orders.js', relativeFile: 'dist/orders.js', line: 42, column: 7, function: 'OrderService.total' });
  });

  it('ES modules: file:// URLs become paths', () => {
    const stack = `Error
    at file:///srv/app/node_modules/@tracekit/core/dist/index.js:3:1
    at async checkout (file:///srv/app/src/check%20out.mjs:8:3)`;
    expect(callSiteFrom(stack, '/srv/app', own)).toMatchObject({ file: '/srv/app/src/check out.mjs', relativeFile: 'src/check out.mjs', line: 8, function: 'checkout' });
  });

  it('Windows paths, relative to a Windows app root', () => {
    const stack = `Error
    at handler (C:\\app\\src\\routes.js:12:9)`;
    expect(callSiteFrom(stack, 'C:\\app', () => false)).toMatchObject({ file: 'C:\\app\\src\\routes.js', relativeFile: 'src/routes.js', line: 12 });
    const url = `Error
    at handler (file:///C:/app/src/routes.mjs:3:1)`;
    expect(callSiteFrom(url, 'C:/app', () => false)).toMatchObject({ file: 'C:/app/src/routes.mjs', relativeFile: 'src/routes.mjs', line: 3 });
  });

  it('IDs are stable for a label at a place, and differ between places', () => {
    const a = { file: '/a.js', relativeFile: 'a.js', line: 1, column: 1, function: 'f' };
    expect(breakpointId('x', a)).toBe(breakpointId('x', { ...a, column: 9 }));
    expect(breakpointId('x', a)).not.toBe(breakpointId('x', { ...a, line: 2 }));
    expect(breakpointId('x', a)).not.toBe(breakpointId('y', a));
  });
});
