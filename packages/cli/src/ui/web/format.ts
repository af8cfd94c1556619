import type { AttrValue } from '../api-types.js';

/** A duration in ms as `850 µs`, `12.3 ms`, `1.24 s`. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v < 1) return `${Math.round(v * 1000)} µs`;
  if (v < 100) return `${v.toFixed(1)} ms`;
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(2)} s`;
  return `${(v / 60_000).toFixed(1)} min`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A time in epoch ms as local `HH:MM:SS.mmm`, with the date when it is not today. */
export function time(t: number): string {
  if (!t) return '';
  const d = new Date(t);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return d.toDateString() === new Date().toDateString() ? clock : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
}

/** How long ago, roughly. */
export function ago(t: number): string {
  const s = Math.max(0, (Date.now() - t) / 1000);
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** An attribute value as text (objects and arrays as JSON). */
export function value(v: AttrValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** `2xx`..`5xx` class of a status code, for colouring. */
export function statusClass(code: number | undefined): string {
  return code === undefined ? '' : `s${Math.floor(code / 100)}xx`;
}
