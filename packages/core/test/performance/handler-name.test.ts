import { describe, expect, it } from 'vitest';
import { handlerName } from '../../src/lifecycle/handler-name.js';

describe('handlerName: a route handler name read once per function (issue 11)', () => {
  it('is the function name, and empty for anonymous functions and non-functions', () => {
    function getUser() {}
    const bound = getUser.bind(null);
    expect(handlerName(getUser)).toBe('getUser');
    expect(handlerName(getUser)).toBe('getUser');
    expect(handlerName(bound)).toBe('bound getUser');
    expect(handlerName(() => 1)).toBe('');
    expect(handlerName(undefined)).toBe('');
    expect(handlerName({ name: 'notAFunction' })).toBe('');
    class UsersController {}
    expect(handlerName(UsersController)).toBe('UsersController');
  });

  it('never throws on a hostile name accessor or a name that is not a string', () => {
    const hostile = () => 1;
    Object.defineProperty(hostile, 'name', {
      get() {
        throw new Error('no');
      },
    });
    expect(handlerName(hostile)).toBe('');
    const numbered = () => 1;
    Object.defineProperty(numbered, 'name', { value: 42 });
    expect(handlerName(numbered)).toBe('');
  });

  it('reads the accessor once per function', () => {
    let reads = 0;
    const fn = () => 1;
    Object.defineProperty(fn, 'name', {
      get() {
        reads++;
        return 'counted';
      },
    });
    for (let i = 0; i < 100; i++) expect(handlerName(fn)).toBe('counted');
    expect(reads).toBe(1);
  });
});
