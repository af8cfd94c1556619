import { useEffect, useRef, useState } from 'preact/hooks';
import { KINDS, ms } from './format.js';
import { html } from './html.js';
import type { Row } from './tree-rows.js';

const ROW = 24;
const OVERSCAN = 12;

/**
 * The waterfall: one row per span with its name indented by depth and a timing bar. Virtualised:
 * only the rows in view (plus a margin) are in the DOM, so a trace of 10,000 spans scrolls
 * smoothly.
 */
export function Waterfall({ rows, start, duration, selected, matches, onSelect }: {
  rows: Row[];
  start: number;
  duration: number;
  selected: string | undefined;
  matches: Set<string> | undefined;
  onSelect: (spanId: string) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    // Keep the selected span in view (keyboard navigation, jumping between errors, search).
    const el = box.current;
    const i = rows.findIndex((r) => r.span.spanId === selected);
    if (!el || i < 0) return;
    const top = i * ROW;
    if (top < el.scrollTop || top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, top - el.clientHeight / 3);
  }, [selected, rows]);
  const first = Math.max(0, Math.floor(scroll / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scroll + height) / ROW) + OVERSCAN);
  const total = duration > 0 ? duration : 1;
  const visible = rows.slice(first, last);
  return html`<div class="waterfall" ref=${box} role="tree" aria-label="Spans" onScroll=${(e: Event) => setScroll((e.target as HTMLElement).scrollTop)}>
    <div class="wf-inner" style=${{ height: `${rows.length * ROW}px` }}>
      ${visible.map(({ span, depth }, i) => {
        const left = ((span.start - start) / total) * 100;
        const width = Math.max(0.2, (span.duration / total) * 100);
        const cls = ['wf-row', span.spanId === selected ? 'selected' : '', span.status.code === 2 ? 'error' : '', matches?.has(span.spanId) ? 'match' : ''].join(' ');
        return html`<div key=${span.spanId} class=${cls} role="treeitem" aria-level=${depth + 1} aria-selected=${span.spanId === selected} data-span-id=${span.spanId}
            style=${{ top: `${(first + i) * ROW}px` }} onClick=${() => onSelect(span.spanId)}>
          <div class="wf-name" style=${{ paddingLeft: `${6 + Math.min(depth, 40) * 14}px` }} title=${span.name}>
            <span class=${`kind k${span.kind}`}>${KINDS[span.kind]?.[0] ?? '?'}</span> <span class="span-name">${span.name}</span>
            ${span.service !== rows[0]?.span.service ? html` <span class="muted small">${span.service}</span>` : ''}
          </div>
          <div class="wf-track"><div class="wf-bar" style=${{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}></div></div>
          <div class="wf-dur">${ms(span.duration)}</div>
        </div>`;
      })}
    </div>
  </div>`;
}
