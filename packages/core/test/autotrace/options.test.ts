import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config.js';
import { TracekitConfigError } from '../../src/config/config-errors.js';
import { resolveFunctionTracing, selectsFile, selectsFunction } from '../../src/autotrace/options.js';

const root = path.resolve('/srv/app');

describe('function tracing options', () => {
  it('defaults: the app root minus dependencies, tests, tools\' config and TraceKit', () => {
    const c = resolveFunctionTracing({}, {}, root);
    expect(c.functionSpanThresholdMs).toBe(1);
    expect(c.maxPreviewLength).toBe(256);
    for (const f of ['src/server.js', 'lib/a.ts', 'index.mjs']) expect(selectsFile(c, path.join(root, f))).toBe(true);
    for (const f of ['node_modules/express/index.js', 'test/a.js', 'src/a.test.ts', 'vite.config.ts', '.eslintrc.js', '../other/a.js', 'node_modules/@tracekit/core/dist/index.js']) {
      expect(selectsFile(c, path.join(root, f))).toBe(false);
    }
  });

  it('include and exclude globs, and Handit-style regexes on file::Class.method', () => {
    const c = resolveFunctionTracing({}, { TRACEKIT_TRACE_INCLUDE: 'src/**', TRACEKIT_TRACE_EXCLUDE: 'src/vendor/**,/::(health|Metrics\\.)/' }, root);
    expect(selectsFile(c, path.join(root, 'src/users.js'))).toBe(true);
    expect(selectsFile(c, path.join(root, 'lib/users.js'))).toBe(false);
    expect(selectsFile(c, path.join(root, 'src/vendor/x.js'))).toBe(false);
    expect(selectsFunction(c, 'src/users.js', 'UserService.find')).toBe(true);
    expect(selectsFunction(c, 'src/users.js', 'health')).toBe(false);
    expect(selectsFunction(c, 'src/users.js', 'Metrics.flush')).toBe(false);
  });

  it('init() validates the options and variables, naming them', () => {
    expect(resolveConfig({ functionSpanThresholdMs: 5, maxPreviewLength: 64, traceInclude: ['src/**'] }, {}, root).functionTracing).toMatchObject({ functionSpanThresholdMs: 5, maxPreviewLength: 64 });
    expect(() => resolveConfig({ functionSpanThresholdMs: -1 }, {}, root)).toThrow(TracekitConfigError);
    expect(() => resolveConfig({ functionSpanThresholdMs: -1 }, {}, root)).toThrow(/options\.functionSpanThresholdMs=-1 is invalid/);
    expect(() => resolveConfig({}, { TRACEKIT_MAX_PREVIEW_LENGTH: '4' }, root)).toThrow(/TRACEKIT_MAX_PREVIEW_LENGTH="4" is invalid: expected a whole number of at least 16/);
    expect(() => resolveConfig({}, { TRACEKIT_TRACE_EXCLUDE: '/(/' }, root)).toThrow(/TRACEKIT_TRACE_EXCLUDE/);
    expect(() => resolveConfig({ traceInclude: 'src' as unknown as string[] }, {}, root)).toThrow(/options\.traceInclude/);
  });
});
