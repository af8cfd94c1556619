/**
 * Test helpers for TraceKit and its adapters: a client whose spans stay in memory, and the
 * conformance kit every adapter runs.
 */
import { InMemorySpanExporter } from '../export/memory-exporter.js';
import { InMemoryLogExporter } from '../export/memory-log-exporter.js';

export { setupTestTracing, type TestTracing } from './test-tracing.js';
export { InMemorySpanExporter, InMemoryLogExporter };
export { conformanceScenarios, createConformanceContext } from './conformance.js';
export type { ConformanceApp, ConformanceTarget, ConformanceContext, ConformanceScenario } from './conformance.js';
export { rawRequest } from './http-client.js';
export type { KitResponse } from './http-client.js';
