import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import breakpoints from '../src/commands/breakpoints.js';
import probe from '../src/commands/probe.js';

let dir: string;
let cwd: string;
let out: string;
let err: string;

beforeEach(() => {
  cwd = process.cwd();
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tk-bp-cli-')));
  process.chdir(dir);
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
});

afterEach(() => {
  vi.restoreAllMocks();
  process.chdir(cwd);
});

const file = () => path.join(dir, '.tracekit', 'breakpoints.json');
const doc = () => JSON.parse(fs.readFileSync(file(), 'utf8')) as { breakpoints: Array<Record<string, unknown>>; probes: Array<Record<string, unknown>> };

function seed(): void {
  fs.mkdirSync(path.join(dir, '.tracekit'));
  fs.writeFileSync(file(), JSON.stringify({
    breakpoints: [
      { id: 'bp_aaa', label: 'checkout.total', file: 'src/checkout.ts', line: 12, function: 'total', enabled: true, captures: 100, maxCaptures: 100, expiresAt: '2020-01-01T00:00:00.000Z', status: 'exhausted' },
      { id: 'bp_bbb', label: 'users.find', file: 'src/users.ts', line: 3, function: 'find', enabled: true, captures: 2, maxCaptures: 100, expiresAt: null },
    ],
    probes: [],
  }));
}

describe('tracekit breakpoints', () => {
  it('ls lists them with state, captures and place', async () => {
    seed();
    expect(await breakpoints.run(['ls'])).toBe(0);
    expect(out).toContain('bp_aaa  exhausted  100/100');
    expect(out).toMatch(/bp_bbb\s+armed\s+2\/100\s+never\s+users\.find\s+src\/users\.ts:3 find/);
  });

  it('disable, enable (a fresh count and 24 h), clear', async () => {
    seed();
    expect(await breakpoints.run(['disable', 'bp_bbb'])).toBe(0);
    expect(doc().breakpoints[1]).toMatchObject({ id: 'bp_bbb', enabled: false });
    expect(await breakpoints.run(['enable', 'bp_aaa'])).toBe(0);
    const a = doc().breakpoints[0]!;
    expect(a).toMatchObject({ enabled: true, captures: 0 });
    expect(a.status).toBeUndefined();
    expect(Date.parse(String(a.expiresAt))).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    expect(await breakpoints.run(['enable', 'bp_nope'])).toBe(1);
    expect(err).toContain('no breakpoint bp_nope');
    expect(await probe.run(['add', 'src.js:1'])).toBe(1);
    fs.writeFileSync(path.join(dir, 'src.js'), 'x\n');
    expect(await probe.run(['add', 'src.js:1'])).toBe(0);
    expect(await breakpoints.run(['clear'])).toBe(0);
    expect(doc().breakpoints.every((b) => b.enabled === false)).toBe(true);
    expect(doc().probes).toEqual([]);
  });

  it('refuses an invalid file with its reason', async () => {
    fs.mkdirSync(path.join(dir, '.tracekit'));
    fs.writeFileSync(file(), '{ nope');
    expect(() => breakpoints.run(['ls'])).toThrow(/is invalid: not valid JSON/);
  });
});

describe('tracekit probe', () => {
  it('add with condition, capture and log; ls; rm', async () => {
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'orders.ts'), 'export const a = 1;\n');
    expect(await probe.run(['add', 'src/orders.ts:1', '--condition', 'user.id == 42', '--capture', 'order.total, user'])).toBe(0);
    expect(await probe.run(['add', './src/orders.ts:1', '--log', 'order {order.id}'])).toBe(0);
    const [p1, p2] = doc().probes;
    expect(p1).toMatchObject({ location: 'src/orders.ts:1', condition: 'user.id == 42', capture: ['order.total', 'user'], enabled: true });
    expect(p2).toMatchObject({ location: 'src/orders.ts:1', log: 'order {order.id}' });
    expect(String(p1!.id)).toMatch(/^p_[0-9a-f]{8}$/);
    out = '';
    expect(await probe.run(['ls'])).toBe(0);
    expect(out).toContain('if user.id == 42; capture order.total, user');
    expect(out).toContain('log "order {order.id}"');
    expect(await probe.run(['rm', String(p1!.id)])).toBe(0);
    expect(doc().probes).toHaveLength(1);
  });

  it('refuses a file outside the project, a missing file and a bad expression', async () => {
    fs.writeFileSync(path.join(dir, 'a.js'), '1\n');
    expect(await probe.run(['add', '../outside.js:1'])).toBe(1);
    expect(err).toContain('outside the project');
    expect(await probe.run(['add', 'missing.js:1'])).toBe(1);
    expect(await probe.run(['add', 'a.js:1', '--condition', 'process.exit(1)'])).toBe(1);
    expect(err).toContain('invalid expression');
    expect(await probe.run(['add', 'a.js'])).toBe(2);
    expect(fs.existsSync(file())).toBe(false);
  });
});
