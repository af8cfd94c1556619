import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fingerprint, normaliseMessage } from '../../src/errors/fingerprint.js';
import { markInApp } from '../../src/errors/in-app.js';
import { parseStack } from '../../src/errors/parse-stack.js';
import type { StackFrame } from '../../src/errors/stack-frame.js';
import { fixturesDir, runNode } from './helpers.js';

const app = (frames: string[]): StackFrame[] => markInApp(parseStack(['Error: x', ...frames.map((f) => `    at ${f}`)].join('\n')), '/srv/app');
const withLine = (frame: StackFrame, line: string): StackFrame => ({ ...frame, context: { pre: [], line, post: [] } });

describe('fingerprint rule', () => {
  const [place] = app(['charge (/srv/app/src/pay.js:6:9)']);

  test('the same type at the same in-app place: the same fingerprint, whatever the message', () => {
    expect(fingerprint('RangeError', 'amount 500', [place!])).toBe(fingerprint('RangeError', 'amount 700', [place!]));
  });

  test('another type, another file, another function or another line of code: another fingerprint', () => {
    const base = fingerprint('RangeError', '', [withLine(place!, 'throw new RangeError(a)')]);
    expect(fingerprint('TypeError', '', [withLine(place!, 'throw new RangeError(a)')])).not.toBe(base);
    expect(fingerprint('RangeError', '', [withLine({ ...place!, relativeFile: 'src/other.js' }, 'throw new RangeError(a)')])).not.toBe(base);
    expect(fingerprint('RangeError', '', [withLine({ ...place!, function: 'refund' }, 'throw new RangeError(a)')])).not.toBe(base);
    expect(fingerprint('RangeError', '', [withLine(place!, 'throw new RangeError(b)')])).not.toBe(base);
  });

  test('with the source, the line number does not matter (lines added elsewhere in the file), nor does indentation', () => {
    const a = fingerprint('RangeError', '', [withLine({ ...place!, line: 6 }, '  throw new RangeError(a);')]);
    const b = fingerprint('RangeError', '', [withLine({ ...place!, line: 16 }, '      throw   new RangeError(a);')]);
    expect(a).toBe(b);
  });

  test('without the source, the line number is used', () => {
    expect(fingerprint('E', '', [{ ...place!, line: 6 }])).not.toBe(fingerprint('E', '', [{ ...place!, line: 7 }]));
  });

  test('frames of dependencies do not count when there are in-app frames; recursion counts once', () => {
    const frames = app(['charge (/srv/app/src/pay.js:6:9)', 'Layer.handle (/srv/app/node_modules/express/lib/router/layer.js:95:5)']);
    const upgraded = app(['charge (/srv/app/src/pay.js:6:9)', 'Layer.handleRequest (/srv/app/node_modules/router/lib/layer.js:152:17)']);
    expect(fingerprint('E', '', frames)).toBe(fingerprint('E', '', upgraded));
    const recursive = app(['walk (/srv/app/src/tree.js:3:9)', 'walk (/srv/app/src/tree.js:3:9)', 'walk (/srv/app/src/tree.js:3:9)', 'main (/srv/app/src/tree.js:9:1)']);
    const shallow = app(['walk (/srv/app/src/tree.js:3:9)', 'main (/srv/app/src/tree.js:9:1)']);
    expect(fingerprint('E', '', recursive)).toBe(fingerprint('E', '', shallow));
  });

  test('without in-app frames: the dependency frames, from their package on (the install location does not matter)', () => {
    const a = markInApp(parseStack('E\n    at parse (/srv/a/node_modules/body-parser/lib/read.js:1:1)'), '/srv/a');
    const b = markInApp(parseStack('E\n    at parse (/opt/b/node_modules/body-parser/lib/read.js:1:1)'), '/opt/b');
    expect(fingerprint('SyntaxError', '', a)).toBe(fingerprint('SyntaxError', '', b));
  });

  test('without frames (thrown strings, objects): the message, with numbers and IDs made generic', () => {
    expect(fingerprint('NonError<string>', 'user 42 not found', [])).toBe(fingerprint('NonError<string>', 'user 97 not found', []));
    expect(fingerprint('NonError<string>', 'user 42 not found', [])).not.toBe(fingerprint('NonError<string>', 'order 42 not found', []));
    expect(normaliseMessage('id 3f2c9a10-1b2c-4d5e-8f90-aabbccddeeff at 0x1f, 12 times')).toBe('id <uuid> at <n>, <n> times');
  });

  test('32 hex digits', () => {
    expect(fingerprint('E', 'm', [])).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('fingerprints across processes (child processes on the built package)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-fp-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const source = fs.readFileSync(path.join(fixturesDir, 'fingerprint/payments.cjs'), 'utf8');

  /** An app root holding payments.cjs, edited by `edit`. */
  function appWith(name: string, edit: (s: string) => string): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'payments.cjs'), edit(source));
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }');
    return dir;
  }

  async function prints(appRoot: string): Promise<Record<string, string>> {
    const run = await runNode([], path.join(fixturesDir, 'fingerprint-child.mjs'), [appRoot]);
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as Record<string, string>;
  }

  test('the same code in two processes, and after lines were added above and below: the same fingerprints', async () => {
    const original = appWith('original', (s) => s);
    const shifted = appWith('shifted', (s) => s.replace("'use strict';\n", "'use strict';\n// a new comment\n\nconst unrelated = 1;\n\n").replace('module.exports', 'function added() {\n  return unrelated;\n}\n\nmodule.exports'));
    const [first, second, moved] = await Promise.all([prints(original), prints(original), prints(shifted)]);
    expect(first.charge).toMatch(/^[0-9a-f]{32}$/);
    expect(second).toEqual(first);
    expect(moved).toEqual(first);
    // The same place with another message: the same error. Another place: another error.
    expect(first['charge again']).toBe(first.charge);
    expect(first.refund).not.toBe(first.charge);
  });

  test('changing the failing line itself changes the fingerprint', async () => {
    const edited = appWith('edited', (s) => s.replace('if (amount > 100) throw', 'if (amount > 1000 || amount > 100) throw'));
    const [original, changed] = await Promise.all([prints(appWith('original2', (s) => s)), prints(edited)]);
    expect(changed.charge).not.toBe(original.charge);
    expect(changed.refund).toBe(original.refund);
  });
});
