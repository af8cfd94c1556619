import { render } from 'preact';
import { useState } from 'preact/hooks';
import type { StatsDto } from '../api-types.js';
import { useApi } from './api.js';
import { ErrorGroupView, ErrorsView } from './errors-view.js';
import { html } from './html.js';
import { useKeys } from './keyboard.js';
import { AiView } from './ai-view.js';
import { FunctionsView } from './functions-view.js';
import { InventoryView } from './inventory-view.js';
import { MetricsView } from './metrics-view.js';
import { SnapshotsView } from './snapshots-view.js';
import { RoutesView } from './routes-view.js';
import { linkClick, navigate, useRoute, type Route } from './router.js';
import { TraceView } from './trace-view.js';
import { TracesView } from './traces-view.js';

const VIEWS: Array<{ path: string; label: string; key: string }> = [
  { path: 'traces', label: 'Traces', key: 't' },
  { path: 'errors', label: 'Errors', key: 'x' },
  { path: 'routes', label: 'Routes', key: 'r' },
  { path: 'metrics', label: 'Metrics', key: 'm' },
  { path: 'inventory', label: 'Code inventory', key: 'i' },
  { path: 'snapshots', label: 'Snapshots', key: 's' },
  { path: 'ai', label: 'AI calls', key: 'a' },
  { path: 'functions', label: 'Functions', key: 'f' },
];

function Page({ route }: { route: Route }) {
  const [view = 'traces', id] = route.parts;
  switch (view) {
    case 'traces':
      return id ? html`<${TraceView} key=${id} route=${route} traceId=${id} />` : html`<${TracesView} route=${route} />`;
    case 'errors':
      return id ? html`<${ErrorGroupView} fingerprint=${id} />` : html`<${ErrorsView} />`;
    case 'routes':
      return html`<${RoutesView} route=${route} />`;
    case 'metrics':
      return html`<${MetricsView} />`;
    case 'inventory':
      return html`<${InventoryView} />`;
    case 'snapshots':
      return html`<${SnapshotsView} />`;
    case 'ai':
      return html`<${AiView} />`;
    case 'functions':
      return html`<${FunctionsView} />`;
    default:
      return html`<div class="empty"><h2>No such page</h2><a href="/traces">Traces</a></div>`;
  }
}

function App() {
  const route = useRoute();
  const stats = useApi<StatsDto>('/api/stats', ['traces', 'logs']);
  const current = route.parts[0] ?? 'traces';
  const [help, setHelp] = useState(false);
  const keys: Record<string, () => void> = {};
  for (const v of VIEWS) keys[v.key] = () => navigate(`/${v.path}`);
  // `useKeys` binds once: the setter is stable.
  keys['?'] = () => setHelp((h) => !h);
  useKeys(keys, []);
  const s = stats.data;
  return html`<div class="app" onClick=${linkClick}>
    <header class="top">
      <a class="brand" href="/traces">TraceKit</a>
      <nav aria-label="Views">${VIEWS.map(
        (v) => html`<a key=${v.path} href=${`/${v.path}`} class=${current === v.path ? 'active' : ''} aria-current=${current === v.path ? 'page' : undefined} title=${`${v.label} (${v.key})`}>${v.label}</a>`,
      )}</nav>
      <div class="stats muted small" title=${s ? s.sources.join('\n') : ''}>${s ? `${s.traces} traces · ${s.spans} spans${s.evicted.traces > 0 ? ` · ${s.evicted.traces} evicted` : ''}` : ''}</div>
    </header>
    <main><${Page} route=${route} /></main>
    ${help && html`<div class="help" role="note"><strong>Keys</strong> t x r m i s a f: views · j/k: move · Enter: open · /: search · e/E: next/previous error · n/N: next/previous match · Esc: back · ?: this help</div>`}
  </div>`;
}

if (location.pathname === '/') history.replaceState(null, '', '/traces');
render(html`<${App} />`, document.getElementById('app')!);
