import type { ErrorGroupDto, FrameDto, SpanDto } from '../api-types.js';
import type { TraceEntry } from './trace-entry.js';

const SAMPLES = 20;

interface ErrorGroup {
  fingerprint: string;
  type: string;
  message: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  routes: Map<string, number>;
  services: Set<string>;
  /** Oldest first. */
  samples: string[];
  framesJson: string | undefined;
}

/** The frames of a `tracekit.error.frames` attribute; [] when absent or not valid JSON. */
export function parseFrames(json: unknown): FrameDto[] {
  if (typeof json !== 'string') return [];
  try {
    const frames = JSON.parse(json) as unknown;
    return Array.isArray(frames) ? frames.filter((f): f is FrameDto => !!f && typeof f === 'object' && typeof (f as FrameDto).file === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Errors grouped by `tracekit.error.fingerprint` (of the `exception` event, as TraceKit writes
 * it; for other SDKs, by exception type and message). One trace counts once per group however
 * many of its spans carry the same exception. Groups outlive evicted traces: counts and first
 * and last sighting are totals, samples list only traces still held.
 */
export class ErrorGroups {
  private readonly groups = new Map<string, ErrorGroup>();

  /** Counts the exceptions of a span that just joined `trace`. */
  addSpan(span: SpanDto, trace: TraceEntry): void {
    for (const e of span.events) {
      if (e.name !== 'exception') continue;
      const a = e.attributes;
      const type = String(a['exception.type'] ?? 'Error');
      const message = String(a['exception.message'] ?? '');
      const fingerprint = typeof a['tracekit.error.fingerprint'] === 'string' ? a['tracekit.error.fingerprint'] : `${type}: ${message}`;
      const frames = typeof a['tracekit.error.frames'] === 'string' ? a['tracekit.error.frames'] : undefined;
      let group = this.groups.get(fingerprint);
      if (!group) {
        group = { fingerprint, type, message, count: 0, firstSeen: e.time, lastSeen: e.time, routes: new Map(), services: new Set(), samples: [], framesJson: frames };
        this.groups.set(fingerprint, group);
      }
      if (frames && (!group.framesJson || e.time >= group.lastSeen)) group.framesJson = frames;
      group.services.add(span.service);
      if (trace.fingerprints.has(fingerprint)) continue;
      trace.fingerprints.add(fingerprint);
      group.count++;
      group.firstSeen = Math.min(group.firstSeen, e.time);
      group.lastSeen = Math.max(group.lastSeen, e.time);
      group.samples.push(trace.traceId);
      if (group.samples.length > SAMPLES) group.samples.shift();
      const route = trace.route;
      if (route) {
        group.routes.set(route, (group.routes.get(route) ?? 0) + 1);
        trace.routeCounted = route;
      }
    }
  }

  /** Counts the route of a trace whose root arrived after its errors. */
  routeKnown(trace: TraceEntry): void {
    const route = trace.route;
    if (!route || trace.routeCounted === route) return;
    trace.routeCounted = route;
    for (const fp of trace.fingerprints) {
      const group = this.groups.get(fp);
      if (group) group.routes.set(route, (group.routes.get(route) ?? 0) + 1);
    }
  }

  get size(): number {
    return this.groups.size;
  }

  /** Every group, the most recently seen first. */
  list(held: (traceId: string) => boolean): ErrorGroupDto[] {
    return [...this.groups.values()].sort((a, b) => b.lastSeen - a.lastSeen).map((g) => this.dto(g, held));
  }

  get(fingerprint: string, held: (traceId: string) => boolean): ErrorGroupDto | undefined {
    const g = this.groups.get(fingerprint);
    return g && this.dto(g, held);
  }

  private dto(g: ErrorGroup, held: (traceId: string) => boolean): ErrorGroupDto {
    return {
      fingerprint: g.fingerprint,
      type: g.type,
      message: g.message,
      count: g.count,
      firstSeen: g.firstSeen,
      lastSeen: g.lastSeen,
      routes: [...g.routes].map(([route, count]) => ({ route, count })).sort((a, b) => b.count - a.count),
      services: [...g.services],
      sampleTraceIds: g.samples.filter(held).reverse(),
      frames: parseFrames(g.framesJson),
    };
  }
}
