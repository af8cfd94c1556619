import * as core from '@tracekit/core';
import { describe, expect, it } from 'vitest';
import * as adapter from '../src/index.js';

/** The adapter's own public names; everything else it exports is core's public API (checked by core's API report). */
const OWN = ['getRequestScope', 'tracekitPlugin'];

describe('the public API of @tracekit/fastify', () => {
  it("is core's public API plus the adapter's own names, and nothing else", () => {
    const coreNames = Object.keys(core);
    expect(Object.keys(adapter).filter((name) => !coreNames.includes(name)).sort()).toEqual([...OWN].sort());
    for (const name of coreNames) expect(adapter).toHaveProperty(name);
  });
});
