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

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The name the file exporter gives a store file's `n`-th rotated file, whatever the store is
 * called: `traces.jsonl` → `traces.1.jsonl`, `shop-spans.jsonl` → `shop-spans.1.jsonl`,
 * `spans.log` → `spans.1.log` (core's `JsonlFile`: the stem, `.n`, the extension).
 */
export function rotatedName(file: string, n: number): string {
  const { dir, name, ext } = path.parse(file);
  return path.join(dir, `${name}.${n}${ext}`);
}

/**
 * A store file and its rotated files, in reading order: the oldest rotated file first
 * (`spans.3.jsonl`, `spans.2.jsonl`, `spans.1.jsonl`), the file itself last; only the files that
 * exist. A file whose own name is a rotated one (`spans.2.jsonl`) is read alone.
 */
export async function storeFileGenerations(file: string): Promise<string[]> {
  const { dir, name, ext } = path.parse(file);
  const exists = await fs.promises.stat(file).then((st) => st.isFile(), () => false);
  if (/\.\d+$/.test(name)) return exists ? [file] : [];
  const rotated = new RegExp(`^${escapeRegExp(name)}\\.(\\d+)${escapeRegExp(ext)}$`);
  const found: Array<{ file: string; n: number }> = [];
  for (const entry of await fs.promises.readdir(dir).catch(() => [] as string[])) {
    const m = rotated.exec(entry);
    if (m) found.push({ file: path.join(dir, entry), n: Number(m[1]) });
  }
  const files = found.sort((a, b) => b.n - a.n).map((f) => f.file);
  if (exists) files.push(file);
  return files;
}
