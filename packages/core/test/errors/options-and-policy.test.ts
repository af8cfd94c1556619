import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { httpStatusOf, isErrorException, isErrorStatus, OPTION_NAMES, registrationSite, resolveConfig, TracekitConfigError } from '../../src/adapter-api.js';

describe('error options', () => {
  test('defaults', () => {
    const config = resolveConfig({}, {}, '/srv/app');
    expect(config).toMatchObject({ captureUncaught: false, sourceContextLines: 5, maxFrames: 50, appRoot: '/srv/app', inventoryIntervalMs: 60_000 });
  });

  test('options win over environment variables', () => {
    const env = { TRACEKIT_CAPTURE_UNCAUGHT: 'true', TRACEKIT_SOURCE_CONTEXT_LINES: '2', TRACEKIT_MAX_FRAMES: '10', TRACEKIT_APP_ROOT: 'src', TRACEKIT_INVENTORY_INTERVAL_MS: '0' };
    expect(resolveConfig({}, env, '/srv/app')).toMatchObject({ captureUncaught: true, sourceContextLines: 2, maxFrames: 10, appRoot: path.resolve('/srv/app', 'src'), inventoryIntervalMs: 0 });
    expect(resolveConfig({ maxFrames: 20, captureUncaught: false }, env, '/srv/app')).toMatchObject({ maxFrames: 20, captureUncaught: false });
  });

  test('they are init() options', () => {
    for (const name of ['captureUncaught', 'sourceContextLines', 'maxFrames', 'appRoot', 'inventoryIntervalMs']) expect(OPTION_NAMES).toContain(name);
  });

  test.each([
    [{ sourceContextLines: -1 }, {}, 'TK_CONFIG_INTEGER', 'options.sourceContextLines=-1'],
    [{ maxFrames: 0 }, {}, 'TK_CONFIG_INTEGER', 'options.maxFrames=0'],
    [{}, { TRACEKIT_MAX_FRAMES: 'many' }, 'TK_CONFIG_INTEGER', 'TRACEKIT_MAX_FRAMES="many"'],
    [{ captureUncaught: 'maybe' }, {}, 'TK_CONFIG_BOOLEAN', 'options.captureUncaught="maybe"'],
    [{}, { TRACEKIT_CAPTURE_UNCAUGHT: 'sometimes' }, 'TK_CONFIG_BOOLEAN', 'TRACEKIT_CAPTURE_UNCAUGHT="sometimes"'],
    [{ appRoot: '' }, {}, 'TK_CONFIG_STRING', 'options.appRoot=""'],
    [{ inventoryIntervalMs: 1.5 }, {}, 'TK_CONFIG_INTEGER', 'options.inventoryIntervalMs=1.5'],
  ])('invalid values fail at init, naming the option or variable: %j %j', (options, env, code, label) => {
    let error: unknown;
    try {
      resolveConfig(options as never, env, '/srv/app');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TracekitConfigError);
    expect((error as TracekitConfigError).code).toBe(code);
    expect((error as Error).message).toContain(label);
  });
});

describe('the error predicate', () => {
  test('responses: 5xx is an error, anything below is not', () => {
    expect([200, 302, 404, 499, 500, 503, 599].map(isErrorStatus)).toEqual([false, false, false, false, true, true, true]);
  });

  test('exceptions without a status are errors, whatever was thrown', () => {
    for (const thrown of [new Error('x'), 'text', 42, null, undefined, {}, Symbol('s')]) expect(isErrorException(thrown)).toBe(true);
  });

  test('a status is recognised by shape: getStatus(), then statusCode, then status', () => {
    expect(httpStatusOf({ getStatus: () => 403, statusCode: 500 })).toBe(403);
    expect(httpStatusOf({ statusCode: 409, status: 500 })).toBe(409);
    expect(httpStatusOf(Object.assign(new Error('x'), { status: 404 }))).toBe(404);
    expect(isErrorException({ status: 404 })).toBe(false);
    expect(isErrorException({ statusCode: 400 })).toBe(false);
    expect(isErrorException({ getStatus: () => 401 })).toBe(false);
    expect(isErrorException({ status: 502 })).toBe(true);
  });

  test('anything that is not a whole HTTP status is no status (so the exception is an error)', () => {
    for (const status of ['404', 404.5, 99, 600, Number.NaN]) expect(isErrorException({ status })).toBe(true);
    expect(isErrorException({ getStatus: () => { throw new Error('no'); } })).toBe(true);
    expect(isErrorException({ get status(): number { throw new Error('no'); } })).toBe(true);
  });
});

describe('registrationSite', () => {
  function register(): ReturnType<typeof registrationSite> {
    return registrationSite(register);
  }

  test('the caller of the registering function, never TraceKit or a dependency', () => {
    const site = register();
    expect(site).toEqual({ filepath: __filename, lineno: expect.any(Number) as number, column: expect.any(Number) as number });
  });

  test('points at the exact line of the call', () => {
    const lines = fs.readFileSync(__filename, 'utf8').split('\n');
    const site = register(); // @exact-site
    expect(lines[site!.lineno - 1]).toContain('@exact-site');
  });
});
