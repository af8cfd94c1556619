export { readStore, parseStoreLine } from './read-store.js';
export type { StoredSpan } from './read-store.js';
export { renderTraces } from './tree.js';
export type { RenderOptions } from './tree.js';
export { startViewer, PortInUseError } from './ui/server/viewer-server.js';
export type { Viewer, ViewerOptions } from './ui/server/viewer-server.js';
export type { StoreLimits } from './ui/server/store.js';
