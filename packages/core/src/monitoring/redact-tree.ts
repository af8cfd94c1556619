import type { RedactTools } from '../redaction/structured.js';
import { childPath, type Omission, type SnapshotValue } from './walker.js';

/**
 * Redacts a value tree built outside the main thread (a line probe's capture, walked by the
 * probe worker), field by field as the walker does for `captureSnapshot`: values under secret
 * key names are masked whole, every string is scanned for secret values. TraceKit's own `$…`
 * markers are left as they are. Returns a new tree; `omit` records each redaction. `named`: the
 * top level's keys are captured expressions (`order.user`), each naming its own path.
 */
export function redactTree(value: SnapshotValue, tools: RedactTools | undefined, omit: (o: Omission) => void, path = '', named = false): SnapshotValue {
  if (!tools) return value;
  if (typeof value === 'string') return tools.scan(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => redactTree(v, tools, omit, childPath(path, i)));
  const out: { [key: string]: SnapshotValue } = {};
  const meta = typeof value.$type === 'string' || typeof value.$omitted === 'string';
  for (const key of Object.keys(value)) {
    const v = value[key]!;
    // `named`: the top level's keys are a probe's captured expressions, their own paths.
    const p = named ? key : childPath(path, key);
    if (key.startsWith('$') || (meta && key !== 'value' && key !== 'entries' && key !== 'values' && key !== 'message' && key !== 'stack' && key !== 'description' && key !== 'utf8')) {
      out[key] = v;
    } else if (!meta && v !== null && typeof v !== 'boolean' && tools.isSecretKey(key)) {
      omit({ path: p, reason: 'redacted' });
      out[key] = typeof v === 'string' || typeof v === 'number' ? tools.mask(String(v)) : { $omitted: 'redacted' };
    } else out[key] = redactTree(v, tools, omit, p);
  }
  // Map entries: [key, value] pairs whose string key is secret.
  if (value.$type === 'Map' && Array.isArray(out.entries)) {
    out.entries = out.entries.map((pair) => {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || !tools.isSecretKey(pair[0]) || pair[1] === null || typeof pair[1] === 'boolean') return pair;
      omit({ path: childPath(path, pair[0]), reason: 'redacted' });
      const v = pair[1]!;
      return [pair[0], typeof v === 'string' || typeof v === 'number' ? tools.mask(String(v)) : { $omitted: 'redacted' }];
    });
  }
  return out;
}
