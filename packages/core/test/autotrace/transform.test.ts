import { describe, expect, it } from 'vitest';
import { INSTRUMENTED_MARKER, transformSource } from '../../src/autotrace/transform.js';

function tx(code: string, format: 'module' | 'commonjs' = 'module') {
  const out = transformSource({ code, file: '/app/a.js', format });
  if (!out.ok) throw new Error(out.reason);
  return out;
}

/** The instrumented code without its trailing source-map comment and registration function. */
function body(code: string): string {
  return code.slice(0, code.indexOf('\n;function __tk$f'));
}

describe('transformSource', () => {
  it('wraps a body after its directive prologue, rewrites returns, keeps every line where it was', () => {
    const out = tx("function f(a, b) {\n  'use strict';\n  return a + b;\n}\n");
    expect(body(out.code)).toBe(
      `${INSTRUMENTED_MARKER}function f(a, b) {\n  'use strict';let __tk$=__tkrec.e((__tk$f.b??__tk$f())+0);if(__tkrec.p)__tk$=__tkrec.a(__tk$,[a,b]);try{\n  return  __tkrec.r(__tk$,(a + b));\n}catch(__tke$){__tkrec.t(__tk$,__tke$);throw __tke$}finally{__tkrec.x((__tk$f.b??__tk$f())+0,__tk$)}}\n`,
    );
    expect(out.functions).toEqual([{ name: 'f', kind: 'declaration', file: '/app/a.js', line: 1, column: 1 }]);
  });

  it('gives expression-bodied arrows a block, parentheses and all', () => {
    const out = tx('const g = (x) => ({ x });\n');
    expect(body(out.code)).toContain('const g = (x) =>{let __tk$=');
    expect(body(out.code)).toContain('return __tkrec.r(__tk$,( ({ x })))}catch');
    expect(out.functions[0]).toMatchObject({ name: 'g', kind: 'arrow' });
  });

  it('names methods, constructors, object methods, class fields and callbacks; skips getters and setters', () => {
    const out = tx(
      'export default class extends Base { constructor() { super(); } #p() {} static s() {} get v() { return 1; } set v(x) {} f = () => 1; }\nconst api = { list() {}, get n() { return 1; } };\nexports.handler = function () {};\napp.get("/", (req, res) => {});\n[1].map(function (x) { return x; });\n',
    );
    expect(out.functions.map((f) => `${f.kind} ${f.name}:${f.line}`)).toEqual([
      'constructor default.constructor:1',
      'method default.#p:1',
      'method default.s:1',
      'arrow default.f:1',
      'method api.list:2',
      'expression exports.handler:3',
      'arrow app.get callback:4',
      'expression [1].map callback:5',
    ]);
  });

  it('keeps the shebang first and instruments nothing twice', () => {
    const out = tx('#!/usr/bin/env node\nfunction f() {}\n', 'commonjs');
    expect(out.code.startsWith(`#!/usr/bin/env node\n${INSTRUMENTED_MARKER}function f() {let __tk$`)).toBe(true);
    expect(transformSource({ code: out.code, file: '/app/a.js', format: 'commonjs' })).toEqual({ ok: false, reason: 'already instrumented' });
  });

  it('leaves alone a body where a var and a function declaration share a name (a block would not parse)', () => {
    const out = transformSource({ code: 'function outer() { var h = 1; function h() {} return h; }\nfunction ok() {}\n', file: '/app/a.js', format: 'commonjs' });
    expect(out.ok && out.functions.map((f) => f.name)).toEqual(['h', 'ok']);
    expect(out.ok && out.skipped).toBe(1);
  });

  it('reports a file that does not parse', () => {
    expect(transformSource({ code: 'function (', file: '/app/a.js', format: 'module' })).toEqual({ ok: false, reason: expect.stringMatching(/^does not parse \(Unexpected token/) });
    expect(transformSource({ code: 'const x = 1;\n', file: '/app/a.js', format: 'module' })).toEqual({ ok: false, reason: 'no functions' });
  });

  it('puts a space after `return` (minified code writes return`tpl` and return(x))', () => {
    const out = tx('function f(){return`x`}\n');
    expect(body(out.code)).toContain('return __tkrec.r(__tk$,(`x`))');
  });

  it('leaves alone functions whose source is sent elsewhere (page.evaluate and the like)', () => {
    const out = tx('await page.evaluate(() => document.title);\nawait page.$eval("h1", (el) => el.textContent);\nconst f = () => 1;\n');
    expect(out.functions.map((f) => f.name)).toEqual(['f']);
  });

  it('selects functions by name', () => {
    const out = transformSource({ code: 'function a() {}\nfunction b() {}\n', file: '/app/a.js', format: 'module', select: (n) => n === 'b' });
    expect(out.ok && out.functions.map((f) => f.name)).toEqual(['b']);
  });

  it('names a function wrapped in esbuild\'s __name(fn, "name") as if it stood in the call\'s place, a renamed class by its given name', () => {
    const out = tx(
      'const double = __name((n) => n * 2, "double");\nconst api = { list: __name(() => [], "list") };\nexports.run = __name(function () {}, "run");\nfoo(__name2(() => 1, "given"));\nconst _Cart = class _Cart { add() {} };\n__name(_Cart, "Cart");\n',
    );
    expect(out.functions.map((f) => `${f.kind} ${f.name}:${f.line}`)).toEqual(['arrow double:1', 'arrow api.list:2', 'expression exports.run:3', 'arrow given:4', 'method Cart.add:5']);
  });

  it('leaves out functions with no mapping back to the source: a compiler\'s helpers and its wrapper around a module', () => {
    // Line 1: an unmapped helper and the opening of a wrapper; lines 2 and 3 map to lines 1 and 2 of src/a.ts, token by token.
    const map = { version: 3, sources: ['../src/a.ts'], names: [], mappings: ';AAAA,SAAS;AACT,MAAM,IAAI' };
    const code = `var __name=(t,v)=>t;(()=>{\nfunction a() {}\nconst b = () => 1;\n})();\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
    const out = transformSource({ code, file: '/app/dist/a.js', format: 'commonjs' });
    expect(out.ok && out.functions.map((f) => `${f.name} ${f.file}:${f.line}`)).toEqual(['a /app/src/a.ts:1', 'b /app/src/a.ts:2']);
  });

  it('with a map that marks only where lines start, a function that starts mid-line is kept', () => {
    const map = { version: 3, sources: ['../src/a.ts'], names: [], mappings: 'AAAA;AACA' };
    const code = `const a = () => 0;\nconst b = function () {};\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
    const out = transformSource({ code, file: '/app/dist/a.js', format: 'commonjs' });
    expect(out.ok && out.functions.map((f) => `${f.name} ${f.file}:${f.line}`)).toEqual(['a /app/src/a.ts:1', 'b /app/src/a.ts:2']);
  });

  it('maps function lines through the file\'s own source map', () => {
    // A one-line "compiled" file whose map sends column 0 to line 7 and column 20 to line 9 of src/a.ts.
    const map = { version: 3, sources: ['../src/a.ts'], names: [], mappings: 'AAMA,oBAEA' };
    const code = `function a() {}     function b() {}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
    const out = transformSource({ code, file: '/app/dist/a.js', format: 'commonjs' });
    expect(out.ok && out.functions.map((f) => `${f.name} ${f.file}:${f.line}`)).toEqual(['a /app/src/a.ts:7', 'b /app/src/a.ts:9']);
    expect(out.ok && out.code.match(/sourceMappingURL/g)).toHaveLength(1);
  });
});
