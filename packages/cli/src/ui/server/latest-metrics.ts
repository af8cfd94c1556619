import type { MetricDto } from '../api-types.js';
import type { TelemetryStore } from './store.js';

/**
 * The newest point of every metric series (service, name and attributes): gauges and sums with
 * their value, histograms with count, sum and mean; sorted by service, then name. For the
 * runtime metrics (event-loop delay, heap, GC) and anything else an app sends.
 */
export function latestMetrics(store: TelemetryStore): MetricDto[] {
  const latest = new Map<string, MetricDto>();
  for (const p of store.metricPoints) {
    if (p.type === 'other') continue;
    const key = `${p.service}\u0000${p.name}\u0000${JSON.stringify(p.attributes)}`;
    const prev = latest.get(key);
    if (prev && prev.time > p.time) continue;
    const dto: MetricDto = { service: p.service, name: p.name, unit: p.unit, type: p.type, time: p.time, attributes: p.attributes };
    if (p.value !== undefined) dto.value = p.value;
    if (p.count !== undefined) {
      dto.count = p.count;
      dto.sum = p.sum ?? 0;
      if (p.count > 0) dto.value = (p.sum ?? 0) / p.count;
    }
    latest.set(key, dto);
  }
  return [...latest.values()].sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name) || JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
}
