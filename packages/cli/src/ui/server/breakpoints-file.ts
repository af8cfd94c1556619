import fs from 'node:fs';
import path from 'node:path';
import type { BreakpointsDto } from '../api-types.js';

const MAX_FILE = 1024 * 1024;
const objects = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : []);

/**
 * The breakpoints and probes of `<store>/breakpoints.json` (DESIGN.md section 8), read-only, for
 * the snapshots view; an absent or unreadable file is an empty list with the reason. Its
 * buttons change the file through `breakpoints-edit.ts`.
 */
export async function readBreakpoints(dir: string): Promise<BreakpointsDto> {
  const file = path.join(dir, 'breakpoints.json');
  try {
    const st = await fs.promises.stat(file);
    if (st.size > MAX_FILE) return { file, breakpoints: [], probes: [], error: 'file larger than 1 MiB' };
    const doc = JSON.parse(await fs.promises.readFile(file, 'utf8')) as { breakpoints?: unknown; probes?: unknown };
    return { file, breakpoints: objects(doc.breakpoints), probes: objects(doc.probes) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { file, breakpoints: [], probes: [], ...(code === 'ENOENT' ? {} : { error: err instanceof Error ? err.message : String(err) }) };
  }
}
