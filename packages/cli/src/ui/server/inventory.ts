import type { InventoryEntryDto } from '../api-types.js';
import { CODE_INVENTORY_EVENT } from './event-names.js';
import type { TelemetryStore } from './store.js';

const n = (v: unknown): number => (typeof v === 'number' ? v : Number(v) || 0);

/**
 * The code inventory: the newest record of each place (file, function, line) among the
 * `tracekit.code_inventory` log records (each record carries its place's totals so far), the most
 * frequent first, each linked to the error groups with an in-app frame at that place.
 */
export function codeInventory(store: TelemetryStore): InventoryEntryDto[] {
  const places = new Map<string, InventoryEntryDto>();
  for (const log of store.logs) {
    if (log.eventName !== CODE_INVENTORY_EVENT) continue;
    const a = log.attributes;
    const file = String(a['code.filepath'] ?? a['code.file.path'] ?? '');
    const fn = String(a['code.function.name'] ?? a['code.function'] ?? '');
    const line = n(a['code.lineno'] ?? a['code.line.number']);
    const key = `${log.service}\u0000${file}\u0000${fn}\u0000${line}`;
    const entry: InventoryEntryDto = {
      service: log.service, file, function: fn, line,
      firstSeen: n(a['tracekit.inventory.first_seen']), lastSeen: n(a['tracekit.inventory.last_seen']), count: n(a['tracekit.inventory.count']), errors: [],
    };
    const prev = places.get(key);
    if (!prev || entry.lastSeen >= prev.lastSeen) places.set(key, entry);
  }
  if (places.size === 0) return [];
  const groups = store.errors.list(() => false);
  for (const entry of places.values()) {
    for (const g of groups) {
      if (g.frames.some((f) => f.in_app && f.line === entry.line && f.file === entry.file)) entry.errors.push({ fingerprint: g.fingerprint, type: g.type, message: g.message });
    }
  }
  return [...places.values()].sort((a, b) => b.count - a.count || a.file.localeCompare(b.file) || a.line - b.line);
}
