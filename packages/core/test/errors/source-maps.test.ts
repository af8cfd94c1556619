import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { recordException, shutdown, startSpan, type FrameJson } from '../../src/adapter-api.js';
import { setupTestTracing } from '../../src/testing/index.js';
import { nodeAppliesSourceMaps } from '../../src/errors/source-maps.js';
import { coreDir, fixturesDir, lineOf, readSpans, runNode } from './helpers.js';

const requireFixture = createRequire(path.join(fixturesDir, 'index.js'));
const tsSource = path.join(fixturesDir, 'ts-app/src/orders.ts');
const throwLine = lineOf(tsSource, 'throw new RangeError');
const callLine = lineOf(tsSource, 'return new OrderService().total(id)');
const tsLines = fs.readFileSync(tsSource, 'utf8').split('\n');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-maps-'));

afterEach(() => shutdown());
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Records what `fn` throws on a span and returns the exception events' frames. */
async function framesOf(fn: () => unknown, options: Parameters<typeof setupTestTracing>[0] = {}): Promise<Array<{ attributes: Record<string, unknown>; frames: FrameJson[] }>> {
  const tracing = await setupTestTracing({ sourceContextLines: 2, ...options });
  const span = startSpan('compiled');
  try {
    await fn();
  } catch (err) {
    recordException(span, err);
  }
  span.end();
  const [stored] = await tracing.spans();
  return (stored!.events ?? []).map((e) => ({ attributes: e.attributes!, frames: JSON.parse(String(e.attributes!['tracekit.error.frames'])) as FrameJson[] }));
}

describe('source maps', () => {
  test('this test process runs without Node’s own source maps', () => {
    expect(nodeAppliesSourceMaps()).toBe(false);
  });

  test('compiled JavaScript with a .js.map file: frames point at the TypeScript lines, with their context', async () => {
    const [event] = await framesOf(() => (requireFixture('./ts-app/out/orders.js') as { checkout(id: string): Promise<number> }).checkout('nope'));
    const inApp = event!.frames.filter((f) => f.in_app && f.file.includes('ts-app'));
    expect(inApp.map((f) => [f.function, f.file, f.line])).toEqual([
      ['OrderService.total', 'test/fixtures/errors/ts-app/src/orders.ts', throwLine],
      ['Object.checkout', 'test/fixtures/errors/ts-app/src/orders.ts', callLine],
    ]);
    expect(inApp[0]).toMatchObject({
      column: 13,
      generated: { file: path.join(fixturesDir, 'ts-app/out/orders.js'), line: 11, column: 19 },
      pre: tsLines.slice(throwLine - 3, throwLine - 1),
      context_line: tsLines[throwLine - 1],
      post: tsLines.slice(throwLine, throwLine + 2),
    });
    expect(event!.attributes['code.filepath']).toBe(tsSource);
    expect(event!.attributes['code.lineno']).toBe(throwLine);
  });

  test('an inline map with sourcesContent: context comes from the map when the .ts file is not on disk', async () => {
    // Only the compiled file is copied: ../src/orders.ts does not exist next to it.
    const dir = path.join(tmp, 'deployed', 'out-inline');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(fixturesDir, 'ts-app/out-inline/orders.js'), path.join(dir, 'orders.js'));
    fs.writeFileSync(path.join(tmp, 'deployed', 'package.json'), '{ "type": "commonjs" }');
    const mod = createRequire(path.join(dir, 'x.js'))('./orders.js') as { checkout(id: string): Promise<number> };
    const [event] = await framesOf(() => mod.checkout('nope'), { appRoot: path.join(tmp, 'deployed') });
    const culprit = event!.frames[0]!;
    expect(culprit).toMatchObject({ function: 'OrderService.total', file: 'src/orders.ts', line: throwLine, in_app: true, context_line: tsLines[throwLine - 1] });
    expect(fs.existsSync(path.join(tmp, 'deployed', 'src', 'orders.ts'))).toBe(false);
  });

  test('a map pointing into the same file shifts lines once', async () => {
    const [event] = await framesOf(() => (requireFixture('./shifted/shifted.js') as { fail(): never }).fail());
    expect(event!.frames[0]).toMatchObject({ file: 'test/fixtures/errors/shifted/shifted.js', line: 8, generated: { line: 3 } });
  });

  test('mapped frames give a stable fingerprint: the same failure twice, the same value', async () => {
    const prints: unknown[] = [];
    for (const id of ['a', 'b']) {
      const [event] = await framesOf(() => (requireFixture('./ts-app/out/orders.js') as { checkout(id: string): Promise<number> }).checkout(id));
      prints.push(event!.attributes['tracekit.error.fingerprint']);
    }
    expect(prints[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(prints[1]).toBe(prints[0]);
  });
});

describe('with node --enable-source-maps (child processes on the built package)', () => {
  test('Node maps the frames; TraceKit does not map them a second time', async () => {
    const store = path.join(tmp, 'with-node-maps', 'traces.jsonl');
    const run = await runNode(['--enable-source-maps'], path.join(fixturesDir, 'source-maps-child.mjs'), [store]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = readSpans(store).flatMap((s) => s.events);
    expect(events).toHaveLength(2);
    const orders = JSON.parse(String(events[0]!.attributes['tracekit.error.frames'])) as FrameJson[];
    expect(orders[0]).toMatchObject({ function: 'OrderService.total', file: 'test/fixtures/errors/ts-app/src/orders.ts', line: throwLine, context_line: tsLines[throwLine - 1] });
    expect(orders[0]!.generated).toBeUndefined();
    // Mapped twice, line 8 would have become line 13.
    const shifted = JSON.parse(String(events[1]!.attributes['tracekit.error.frames'])) as FrameJson[];
    expect(shifted[0]).toMatchObject({ file: 'test/fixtures/errors/shifted/shifted.js', line: 8 });
    expect(shifted[0]!.generated).toBeUndefined();
  });

  test('without it, TraceKit maps them itself to the same lines', async () => {
    const store = path.join(tmp, 'without-node-maps', 'traces.jsonl');
    const run = await runNode([], path.join(fixturesDir, 'source-maps-child.mjs'), [store]);
    expect(run.stderr).toBe('');
    const events = readSpans(store).flatMap((s) => s.events);
    const orders = JSON.parse(String(events[0]!.attributes['tracekit.error.frames'])) as FrameJson[];
    expect(orders[0]).toMatchObject({ file: 'test/fixtures/errors/ts-app/src/orders.ts', line: throwLine, generated: { line: 11 } });
    const shifted = JSON.parse(String(events[1]!.attributes['tracekit.error.frames'])) as FrameJson[];
    expect(shifted[0]).toMatchObject({ line: 8, generated: { line: 3 } });
    expect(coreDir).toBe(process.cwd());
  });
});
