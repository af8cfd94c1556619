import { useState } from 'preact/hooks';
import type { FrameDto } from '../api-types.js';
import { getJson } from './api.js';
import { html } from './html.js';

interface Snippet {
  start: number;
  line: number;
  lines: string[];
}

/** Source lines around a frame: from the frame itself when it carries context, else read from the project on demand. */
function Context({ frame }: { frame: FrameDto }) {
  const [snippet, setSnippet] = useState<Snippet | undefined>(undefined);
  const [error, setError] = useState('');
  if (frame.context_line !== undefined && frame.line !== undefined) {
    const pre = frame.pre ?? [];
    const lines = [...pre, frame.context_line, ...(frame.post ?? [])];
    return html`<${Lines} start=${frame.line - pre.length} line=${frame.line} lines=${lines} />`;
  }
  if (snippet) return html`<${Lines} ...${snippet} />`;
  if (!frame.in_app || frame.line === undefined) return null;
  const load = () =>
    getJson<Snippet>(`/api/source?file=${encodeURIComponent(frame.file)}&line=${frame.line}`).then(setSnippet, (e: Error) => setError(e.message));
  return error ? html`<div class="muted small">source: ${error}</div>` : html`<button class="link small" onClick=${load}>show source</button>`;
}

function Lines({ start, line, lines }: Snippet) {
  return html`<pre class="source">${lines.map(
    (text, i) => html`<div key=${i} class=${start + i === line ? 'hit' : ''}><span class="ln">${start + i}</span>${text}</div>`,
  )}</pre>`;
}

/** Stack frames (innermost first); in-app frames open with their source context, the others collapsed. */
export function Frames({ frames, inAppOnly = false }: { frames: FrameDto[]; inAppOnly?: boolean }) {
  const [all, setAll] = useState(!inAppOnly);
  const shown = all ? frames : frames.filter((f) => f.in_app);
  if (frames.length === 0) return html`<div class="muted">no parsed frames</div>`;
  return html`<div class="frames">
    ${shown.map(
      (f, i) => html`<div key=${i} class=${`frame ${f.in_app ? 'in-app' : 'lib'}`}>
        <div class="where"><span class="fn">${f.function ?? '<anonymous>'}</span> <span class="file">${f.file}${f.line !== undefined ? `:${f.line}` : ''}${f.column !== undefined ? `:${f.column}` : ''}</span>${f.in_app ? '' : html` <span class="muted small">${f.origin ?? ''}</span>`}</div>
        ${f.in_app && html`<${Context} frame=${f} />`}
      </div>`,
    )}
    ${frames.length !== shown.length || inAppOnly ? html`<button class="link small" onClick=${() => setAll(!all)}>${all ? 'in-app frames only' : `all ${frames.length} frames`}</button>` : ''}
  </div>`;
}

/** The frames of an exception event's `tracekit.error.frames` attribute. */
export function parseFrames(json: unknown): FrameDto[] {
  if (typeof json !== 'string') return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v.filter((f) => f && typeof f === 'object' && typeof (f as FrameDto).file === 'string') as FrameDto[]) : [];
  } catch {
    return [];
  }
}
