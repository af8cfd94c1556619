/**
 * Event names of TraceKit's log records the viewer gives views of. Kept here so the viewer needs
 * nothing of `@tracekit/core` at run time; a test checks they equal core's constants.
 */

/** Code discovery records (core's `CODE_INVENTORY_EVENT`). */
export const CODE_INVENTORY_EVENT = 'tracekit.code_inventory';

/** Code monitoring captures (DESIGN.md section 8). */
export const SNAPSHOT_EVENT = 'tracekit.snapshot';
