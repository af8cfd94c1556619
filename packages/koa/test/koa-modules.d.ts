// Koa ships no type declarations; the tests use Koa 2 and 3 untyped (the adapter itself only
// relies on its own structural types, so it needs no Koa types either).
declare module 'koa';
declare module 'koa2';
