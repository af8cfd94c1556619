import fs from 'node:fs';
import path from 'node:path';
import type { Signal } from '../otlp-json.js';

/** The kinds of JSONL file in a store folder: the three OTLP signals and the flat `events` format. */
export type StoreFileKind = Signal | 'events';

const KINDS: readonly StoreFileKind[] = ['traces', 'logs', 'metrics', 'events'];
const NAME = /^(traces|logs|metrics|events)(?:\.(\d+))?\.jsonl$/;

/** A JSONL file of the store; `generation` 0 is the live file, 1 the newest rotated one. */
export interface StoreFile {
  file: string;
  kind: StoreFileKind;
  generation: number;
}

/**
 * The store's files in reading order: for each kind, the oldest rotated file first
 * (`traces.3.jsonl`, `traces.2.jsonl`, `traces.1.jsonl`) and the live file last.
 */
export async function listStoreFiles(dir: string): Promise<StoreFile[]> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const files: StoreFile[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (m) files.push({ file: path.join(dir, name), kind: m[1] as StoreFileKind, generation: m[2] ? Number(m[2]) : 0 });
  }
  return files.sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || b.generation - a.generation);
}

/** The live file of a kind. */
export function liveFile(dir: string, kind: StoreFileKind): string {
  return path.join(dir, `${kind}.jsonl`);
}
