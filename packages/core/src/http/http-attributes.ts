import type { Attributes } from '@opentelemetry/api';
import type { RequestInfo } from '../types.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** The method as the semantic conventions want it: a known method, or `_OTHER`. */
export function normaliseMethod(method: string): string {
  // Almost every request: the method is already a known upper-case one.
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

interface HostParts {
  readonly address?: string;
  readonly port?: number;
}
const NO_HOST: HostParts = Object.freeze({});
// A server sees the same Host header on almost every request: the last one's parts are kept.
let lastHost: string | undefined;
let lastParts: HostParts = NO_HOST;

/** Splits `host[:port]` (also `[v6]:port`). The result is shared: read it, do not change it. */
export function parseHost(host: string | undefined): HostParts {
  if (!host) return NO_HOST;
  if (host === lastHost) return lastParts;
  const parts = Object.freeze(splitHost(host));
  lastHost = host;
  lastParts = parts;
  return parts;
}

function splitHost(host: string): { address?: string; port?: number } {
  // The common `name` / `name:port` without surrounding spaces, read without the regex below.
  const first = host.charCodeAt(0);
  const last = host.charCodeAt(host.length - 1);
  if (first !== 0x5b && first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) {
    const colon = host.indexOf(':');
    if (colon < 0) return { address: host };
    const digits = host.length - colon - 1;
    if (colon > 0 && digits >= 1 && digits <= 5) {
      let port = 0;
      for (let i = colon + 1; i < host.length; i++) {
        const c = host.charCodeAt(i) - 0x30;
        if (c < 0 || c > 9) return {};
        port = port * 10 + c;
      }
      return { address: host.slice(0, colon), port };
    }
  }
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m || !m[1]) return {};
  const out: { address?: string; port?: number } = { address: m[1] };
  if (m[2] !== undefined) out.port = Number(m[2]);
  return out;
}

/**
 * The SERVER span's start attributes, by the stable HTTP semantic conventions:
 * `http.request.method`, `url.path`, `url.scheme`, `url.query` (only when present),
 * `server.address`, `server.port`, `client.address`, `user_agent.original`,
 * `network.protocol.version`.
 */
export function requestAttributes(info: RequestInfo): Attributes {
  const method = normaliseMethod(info.method);
  const attributes: Attributes = { 'http.request.method': method };
  if (method === '_OTHER') attributes['http.request.method_original'] = info.method;
  const target = info.target || '/';
  const q = target.indexOf('?');
  attributes['url.path'] = q < 0 ? target : target.slice(0, q);
  if (q >= 0 && q < target.length - 1) attributes['url.query'] = target.slice(q + 1);
  attributes['url.scheme'] = info.scheme ?? 'http';
  const host = parseHost(info.header('host'));
  if (host.address) attributes['server.address'] = host.address;
  const port = host.port ?? info.serverPort;
  if (port !== undefined) attributes['server.port'] = port;
  if (info.clientAddress) attributes['client.address'] = info.clientAddress;
  const ua = info.header('user-agent');
  if (ua) attributes['user_agent.original'] = ua;
  if (info.protocolVersion) attributes['network.protocol.version'] = info.protocolVersion;
  return attributes;
}
