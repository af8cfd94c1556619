import type { ComponentChildren } from 'preact';
import type { Attrs } from '../api-types.js';
import { value } from './format.js';
import { html } from './html.js';

/** What a view shows when there is no data yet, and how to get some. */
export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return html`<div class="empty" role="status"><h2>${title}</h2>${children}</div>`;
}

export function Loading() {
  return html`<div class="muted pad">Loading…</div>`;
}

export function ErrorNote({ message }: { message: string }) {
  return html`<div class="error-note" role="alert">${message}</div>`;
}

/** A key/value table of attributes, sorted by key; values as text. */
export function AttrTable({ attrs, filterLink }: { attrs: Attrs; filterLink?: (key: string, v: string) => string }) {
  const keys = Object.keys(attrs).sort();
  if (keys.length === 0) return html`<div class="muted">none</div>`;
  return html`<table class="attrs"><tbody>
    ${keys.map((k) => {
      const v = value(attrs[k]);
      return html`<tr key=${k}><th>${k}</th><td>${filterLink ? html`<a href=${filterLink(k, v)} title="traces with this value">${v}</a>` : v}</td></tr>`;
    })}
  </tbody></table>`;
}

/** A sortable column header for tables whose sort lives in the URL. */
export function SortHeader({ label, field, sort, order, href, num }: { label: string; field: string; sort: string; order: string; href: (field: string, order: string) => string; num?: boolean }) {
  const active = sort === field;
  const next = active && order === 'desc' ? 'asc' : 'desc';
  return html`<th class=${num ? 'num' : ''} aria-sort=${active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}><a href=${href(field, next)}>${label}${active ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</a></th>`;
}
