import { describe, expect, test } from 'vitest';
import { parseStack, parseStackLine } from '../../src/errors/parse-stack.js';

// Every line below is a literal V8 stack line as Node 20 prints it.
describe('parseStackLine: every V8 frame form', () => {
  test('named function', () => {
    expect(parseStackLine('    at loadUser (/srv/app/src/users.js:12:11)')).toEqual({ function: 'loadUser', file: '/srv/app/src/users.js', line: 12, column: 11 });
  });

  test('method of a class, and a static method', () => {
    expect(parseStackLine('    at UserService.find (/srv/app/src/users.js:40:13)')).toEqual({ function: 'UserService.find', file: '/srv/app/src/users.js', line: 40, column: 13 });
    expect(parseStackLine('    at Function.create (/srv/app/src/order.js:3:9)')).toEqual({ function: 'Function.create', file: '/srv/app/src/order.js', line: 3, column: 9 });
  });

  test('a method called through another name keeps the function, drops the alias', () => {
    expect(parseStackLine('    at Router.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)')).toEqual({
      function: 'Router.handle',
      file: '/srv/app/node_modules/express/lib/router/layer.js',
      line: 95,
      column: 5,
    });
  });

  test('constructor call', () => {
    expect(parseStackLine('    at new Order (/srv/app/src/order.js:8:11)')).toEqual({ function: 'new Order', file: '/srv/app/src/order.js', line: 8, column: 11 });
  });

  test('anonymous function (no name, no parentheses)', () => {
    expect(parseStackLine('    at /srv/app/src/routes.js:21:15')).toEqual({ function: '', file: '/srv/app/src/routes.js', line: 21, column: 15 });
  });

  test('CommonJS module top level', () => {
    expect(parseStackLine('    at Object.<anonymous> (/srv/app/index.js:1:7)')).toEqual({ function: 'Object.<anonymous>', file: '/srv/app/index.js', line: 1, column: 7 });
  });

  test('async frames', () => {
    expect(parseStackLine('    at async checkout (/srv/app/src/cart.js:30:5)')).toEqual({ function: 'checkout', file: '/srv/app/src/cart.js', line: 30, column: 5, async: true });
    expect(parseStackLine('    at async Promise.all (index 0)')).toEqual({ function: 'Promise.all', file: '<anonymous>', native: true, async: true });
    expect(parseStackLine('    at async file:///srv/app/src/main.mjs:4:3')).toEqual({ function: '', file: '/srv/app/src/main.mjs', line: 4, column: 3, async: true });
  });

  test('eval frames are placed at the eval call', () => {
    expect(parseStackLine('    at evald (eval at <anonymous> (file:///srv/app/forms.mjs:9:9), <anonymous>:1:26)')).toEqual({
      function: 'evald',
      file: '/srv/app/forms.mjs',
      line: 9,
      column: 9,
      eval: true,
    });
    expect(parseStackLine('    at eval (eval at compile (/srv/app/src/template.js:14:10), <anonymous>:3:7)')).toEqual({
      function: 'eval',
      file: '/srv/app/src/template.js',
      line: 14,
      column: 10,
      eval: true,
    });
  });

  test('nested eval frames end at the first real file', () => {
    expect(parseStackLine('    at eval (eval at inner (eval at outer (/srv/app/x.js:5:3), <anonymous>:1:1), <anonymous>:2:2)')).toEqual({
      function: 'eval',
      file: '/srv/app/x.js',
      line: 5,
      column: 3,
      eval: true,
    });
  });

  test('native built-ins, old and new forms', () => {
    expect(parseStackLine('    at Array.map (<anonymous>)')).toEqual({ function: 'Array.map', file: '<anonymous>', native: true });
    expect(parseStackLine('    at JSON.parse (<anonymous>)')).toEqual({ function: 'JSON.parse', file: '<anonymous>', native: true });
    expect(parseStackLine('    at new Promise (<anonymous>)')).toEqual({ function: 'new Promise', file: '<anonymous>', native: true });
    expect(parseStackLine('    at Array.forEach (native)')).toEqual({ function: 'Array.forEach', file: '<anonymous>', native: true });
  });

  test('node: internals, with and without a function', () => {
    expect(parseStackLine('    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)')).toEqual({
      function: 'process.processTicksAndRejections',
      file: 'node:internal/process/task_queues',
      line: 95,
      column: 5,
    });
    expect(parseStackLine('    at node:internal/main/run_main_module:28:49')).toEqual({ function: '', file: 'node:internal/main/run_main_module', line: 28, column: 49 });
    expect(parseStackLine('    at Module.readFileSync (node:fs:452:35)')).toEqual({ function: 'Module.readFileSync', file: 'node:fs', line: 452, column: 35 });
  });

  test('file:// URLs of ES modules become paths, percent-escapes decoded', () => {
    expect(parseStackLine('    at handler (file:///srv/my%20app/src/routes.mjs:7:11)')).toEqual({ function: 'handler', file: '/srv/my app/src/routes.mjs', line: 7, column: 11 });
  });

  test('Windows paths and Windows file URLs', () => {
    expect(parseStackLine('    at handler (C:\\Users\\dev\\app\\src\\routes.js:7:11)')).toEqual({ function: 'handler', file: 'C:\\Users\\dev\\app\\src\\routes.js', line: 7, column: 11 });
    expect(parseStackLine('    at C:\\app\\index.js:3:9')).toEqual({ function: '', file: 'C:\\app\\index.js', line: 3, column: 9 });
    expect(parseStackLine('    at handler (file:///C:/app/src/routes.mjs:7:11)')).toEqual({ function: 'handler', file: 'C:/app/src/routes.mjs', line: 7, column: 11 });
  });

  test('frames without a column', () => {
    expect(parseStackLine('    at legacy (/srv/app/lib/old.js:10)')).toEqual({ function: 'legacy', file: '/srv/app/lib/old.js', line: 10 });
    expect(parseStackLine('    at /srv/app/lib/old.js:10')).toEqual({ function: '', file: '/srv/app/lib/old.js', line: 10 });
  });

  test('paths with parentheses and spaces', () => {
    expect(parseStackLine('    at run (/home/me/project (copy)/src/x.js:1:2)')).toEqual({ function: 'run', file: '/home/me/project (copy)/src/x.js', line: 1, column: 2 });
  });

  test('lines that are not frames', () => {
    expect(parseStackLine('Error: boom')).toBeUndefined();
    expect(parseStackLine('    ... 5 lines matching cause stack trace ...')).toBeUndefined();
    expect(parseStackLine('')).toBeUndefined();
  });
});

describe('parseStack', () => {
  test('a whole stack, with a multi-line message, innermost first', () => {
    const stack = [
      'TypeError: cannot read properties of undefined',
      'the message goes on here, at a glance',
      '    at total (/srv/app/src/cart.js:14:22)',
      '    at Array.reduce (<anonymous>)',
      '    at async checkout (/srv/app/src/cart.js:30:5)',
      '    at async Promise.all (index 1)',
    ].join('\n');
    expect(parseStack(stack).map((f) => f.function)).toEqual(['total', 'Array.reduce', 'checkout', 'Promise.all']);
  });

  test('a real stack from this process parses to real frames', () => {
    function thrower(): never {
      throw new Error('real');
    }
    let stack = '';
    try {
      thrower();
    } catch (e) {
      stack = (e as Error).stack ?? '';
    }
    const frames = parseStack(stack);
    expect(frames[0]).toMatchObject({ function: 'thrower', file: expect.stringMatching(/parse-stack\.test\.ts$/), line: expect.any(Number) as number });
  });

  test('Windows CRLF stacks', () => {
    expect(parseStack('Error: x\r\n    at a (C:\\app\\a.js:1:2)\r\n    at b (C:\\app\\b.js:3:4)\r\n').map((f) => f.file)).toEqual(['C:\\app\\a.js', 'C:\\app\\b.js']);
  });
});
