export { readStore, parseStoreLine } from './read-store.js';
export type { StoredSpan } from './read-store.js';
export { renderTraces } from './tree.js';
export type { RenderOptions } from './tree.js';
