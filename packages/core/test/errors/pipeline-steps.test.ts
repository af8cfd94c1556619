import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { capFrames } from '../../src/errors/cap-frames.js';
import { markInApp } from '../../src/errors/in-app.js';
import { dropOwnFrames, ownFileTest, defaultOwnFileTest } from '../../src/errors/own-frames.js';
import { parseStack } from '../../src/errors/parse-stack.js';
import { SourceCache, findMapUrl, looksMinified } from '../../src/errors/source-cache.js';
import { addSourceContext, clipLine, MAX_LINE_CHARS } from '../../src/errors/source-context.js';
import type { StackFrame } from '../../src/errors/stack-frame.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-steps-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('dropOwnFrames', () => {
  const isOwn = ownFileTest('/srv/app/node_modules/@tracekit/core/dist');
  test("drops core's and the adapters' built files, keeps the app's", () => {
    const frames = parseStack(
      [
        'Error: x',
        '    at handler (/srv/app/src/routes.js:4:9)',
        '    at tracekitErrorHandler (/srv/app/node_modules/@tracekit/express/dist/index.js:40:7)',
        '    at RequestScope.recordError (/srv/app/node_modules/@tracekit/core/dist/index.js:900:3)',
        '    at Layer.handle (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
      ].join('\n'),
    );
    expect(dropOwnFrames(frames, isOwn).map((f) => f.function)).toEqual(['handler', 'Layer.handle']);
  });

  test('in the monorepo, the packages’ tests and examples are not TraceKit frames', () => {
    const mono = ownFileTest('/work/repo/packages/core/src/errors');
    expect(mono('/work/repo/packages/core/src/lifecycle.ts')).toBe(true);
    expect(mono('/work/repo/packages/express/dist/index.js')).toBe(true);
    expect(mono('/work/repo/packages/express/test/app.ts')).toBe(false);
    expect(mono('/work/repo/packages/core/test/errors/app.ts')).toBe(false);
    expect(mono('/work/repo/examples/express/server.js')).toBe(false);
  });

  test('the running copy of core recognises its own source files', () => {
    const here = path.resolve(__dirname, '../../src/lifecycle.ts');
    expect(defaultOwnFileTest()(here)).toBe(true);
    expect(defaultOwnFileTest()(__filename)).toBe(false);
  });
});

describe('capFrames', () => {
  const frames: StackFrame[] = Array.from({ length: 80 }, (_, i) => ({ function: `f${i}`, file: '/srv/app/a.js', line: i + 1 }));
  test('keeps the innermost frames, 50 by default', () => {
    expect(capFrames(frames)).toHaveLength(50);
    expect(capFrames(frames)[0]!.function).toBe('f0');
    expect(capFrames(frames, 3).map((f) => f.function)).toEqual(['f0', 'f1', 'f2']);
    expect(capFrames(frames.slice(0, 2), 3)).toHaveLength(2);
  });
});

describe('markInApp', () => {
  const frames = parseStack(
    [
      'Error: x',
      '    at handler (/srv/app/src/routes.js:4:9)',
      '    at Layer.handle (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
      '    at Array.map (<anonymous>)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at shared (/srv/other/lib/shared.js:1:1)',
      '    at eval (eval at run (/srv/app/src/tpl.js:3:3), <anonymous>:1:1)',
      '    at Module._compile (internal/modules/cjs/loader.js:999:30)',
    ].join('\n'),
  );
  test('in-app means under the root and outside node_modules; internals, natives and dependencies are not', () => {
    const marked = markInApp(frames, '/srv/app');
    expect(marked.map((f) => [f.origin, f.relativeFile])).toEqual([
      ['app', 'src/routes.js'],
      ['node_modules', 'node_modules/express/lib/router/layer.js'],
      ['native', undefined],
      ['node', undefined],
      ['external', undefined],
      ['app', 'src/tpl.js'],
      ['node', undefined],
    ]);
  });

  test('the root may end with a slash; a sibling directory with the same prefix is not under it', () => {
    const marked = markInApp(parseStack('E\n    at a (/srv/app-old/x.js:1:1)\n    at b (/srv/app/x.js:1:1)'), '/srv/app/');
    expect(marked.map((f) => f.origin)).toEqual(['external', 'app']);
  });

  test('Windows paths', () => {
    const marked = markInApp(parseStack('E\n    at a (C:\\app\\src\\x.js:1:1)\n    at b (C:\\app\\node_modules\\koa\\lib\\application.js:2:2)'), 'C:\\app');
    expect(marked.map((f) => [f.origin, f.relativeFile])).toEqual([
      ['app', 'src/x.js'],
      ['node_modules', 'node_modules/koa/lib/application.js'],
    ]);
  });
});

describe('source cache and context', () => {
  const file = path.join(tmp, 'handler.js');
  fs.writeFileSync(file, Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n'));
  const frame: StackFrame = { function: 'h', file, line: 10, column: 3, origin: 'app' };

  test('nothing is read until load(); then each file is read once and kept', async () => {
    const cache = new SourceCache();
    expect(addSourceContext([frame], cache, 2)[0]!.context).toBeUndefined();
    await Promise.all([cache.load(file), cache.load(file)]);
    expect(cache.size).toBe(1);
    expect(addSourceContext([frame], cache, 2)[0]!.context).toEqual({ pre: ['line 8', 'line 9'], line: 'line 10', post: ['line 11', 'line 12'] });
  });

  test('context at the edges of the file, and only for in-app frames', async () => {
    const cache = new SourceCache();
    await cache.load(file);
    expect(addSourceContext([{ ...frame, line: 1 }], cache, 3)[0]!.context).toEqual({ pre: [], line: 'line 1', post: ['line 2', 'line 3', 'line 4'] });
    expect(addSourceContext([{ ...frame, line: 20 }], cache, 3)[0]!.context).toEqual({ pre: ['line 17', 'line 18', 'line 19'], line: 'line 20', post: [] });
    expect(addSourceContext([{ ...frame, line: 21 }], cache, 3)[0]!.context).toBeUndefined();
    expect(addSourceContext([{ ...frame, origin: 'node_modules' }], cache, 3)[0]!.context).toBeUndefined();
    expect(addSourceContext([frame], cache, 0)[0]!.context).toBeUndefined();
  });

  test('unreadable files are remembered as such', async () => {
    const cache = new SourceCache();
    await cache.load(path.join(tmp, 'missing.js'));
    expect(cache.get(path.join(tmp, 'missing.js'))).toBeNull();
    cache.loadSync(path.join(tmp, 'missing2.js'));
    expect(cache.get(path.join(tmp, 'missing2.js'))).toBeNull();
  });

  test('the cache is bounded by files, least recently used first', async () => {
    const cache = new SourceCache({ maxFiles: 2 });
    const files = ['a', 'b', 'c'].map((n) => {
      const f = path.join(tmp, `${n}.js`);
      fs.writeFileSync(f, n);
      return f;
    });
    await cache.load(files[0]!);
    await cache.load(files[1]!);
    cache.get(files[0]!);
    await cache.load(files[2]!);
    expect(cache.size).toBe(2);
    expect(cache.get(files[1]!)).toBeUndefined();
    expect(cache.get(files[0]!)).not.toBeUndefined();
  });

  test('the cache is bounded by characters', () => {
    const cache = new SourceCache({ maxChars: 100 });
    cache.put('/x/a.js', 'a'.repeat(60));
    cache.put('/x/b.js', 'b'.repeat(60));
    expect(cache.get('/x/a.js')).toBeUndefined();
    expect(cache.get('/x/b.js')?.lines).toEqual(['b'.repeat(60)]);
  });

  test('minified files give no context; absurdly long lines are clipped around the column', async () => {
    const min = path.join(tmp, 'bundle.min.js');
    fs.writeFileSync(min, 'var a=1;\nvar b=2;\n');
    const cache = new SourceCache();
    await cache.load(min);
    expect(addSourceContext([{ ...frame, file: min, line: 1 }], cache)[0]!.context).toBeUndefined();
    expect(looksMinified('/x/app.js', 'x'.repeat(10_000), 2)).toBe(true);
    expect(looksMinified('/x/app.js', 'x\n'.repeat(5000), 5001)).toBe(false);
    const long = `${'a'.repeat(1000)}THROW${'b'.repeat(1000)}`;
    const clipped = clipLine(long, 1001);
    expect(clipped.length).toBeLessThan(MAX_LINE_CHARS);
    expect(clipped).toContain('THROW');
    expect(clipped.startsWith('…') && clipped.endsWith('…')).toBe(true);
  });

  test('large files are not read whole, but their sourceMappingURL is found', async () => {
    const big = path.join(tmp, 'big.js');
    fs.writeFileSync(big, `${'// padding\n'.repeat(300_000)}//# sourceMappingURL=big.js.map\n`);
    const cache = new SourceCache();
    await cache.load(big);
    expect(cache.get(big)).toEqual({ lines: [], mapUrl: 'big.js.map' });
    const sync = new SourceCache();
    sync.loadSync(big);
    expect(sync.get(big)).toEqual({ lines: [], mapUrl: 'big.js.map' });
  });

  test('findMapUrl takes the last comment that ends the file', () => {
    expect(findMapUrl('x\n//# sourceMappingURL=a.js.map\n')).toBe('a.js.map');
    expect(findMapUrl('x\n/*# sourceMappingURL=a.css.map */')).toBe('a.css.map');
    expect(findMapUrl('const s = "//# sourceMappingURL=fake.map";\nfoo();\n')).toBeUndefined();
    expect(findMapUrl('x')).toBeUndefined();
  });
});
