// The floor every tracer pays on Node 20: request-scoped context on AsyncLocalStorage. Loaded
// with --import into a bare server, it enters a store for every incoming request, so async hooks
// run for every promise and async resource the framework creates, and nothing else happens.
import { AsyncLocalStorage } from 'node:async_hooks';
import dc from 'node:diagnostics_channel';

const als = new AsyncLocalStorage();
let n = 0;
dc.subscribe('http.server.request.start', () => als.enterWith({ n: n++ }));
