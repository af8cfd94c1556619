import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import os from 'node:os';

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (net.isIPv4(h) && h.startsWith('127.')) || h === '::ffff:127.0.0.1';
}

/** The host part of a Host header value (`[::1]:4318` → `::1`, `localhost:4318` → `localhost`). */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/**
 * Which Host headers the server answers (DNS rebinding: a page on `evil.example` that resolves
 * its name to 127.0.0.1 sends `Host: evil.example`, and is refused). Bound to loopback: the
 * loopback names and addresses only. Bound elsewhere (`--host`): also the address it is bound
 * to, any IP literal (rebinding needs a name) and this machine's host name.
 */
export function hostAllowed(header: string | undefined, listenHost: string): boolean {
  if (!header) return false;
  const name = hostName(header);
  if (isLoopback(name)) return true;
  if (isLoopback(listenHost)) return false;
  if (name === listenHost.toLowerCase() || net.isIP(name) !== 0) return true;
  const machine = os.hostname().toLowerCase();
  return name === machine || name === `${machine}.local`;
}

/**
 * Whether a browser request comes from another site: an `Origin` whose host is not one this server
 * answers to, or `Sec-Fetch-Site` other than `same-origin` / `none`. Top-level navigations to the
 * viewer's pages are allowed (a deep link clicked elsewhere); the API, the receiver and the event
 * stream are not reachable cross-origin. Requests without these headers (SDKs, curl) are not
 * browsers' cross-origin requests.
 */
export function crossOrigin(req: IncomingMessage, listenHost: string, isPage: boolean): boolean {
  const site = req.headers['sec-fetch-site'];
  if (isPage && req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate') return false;
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  try {
    const url = new URL(origin);
    return !hostAllowed(url.host, listenHost) || url.host !== String(req.headers.host ?? '').toLowerCase();
  } catch {
    return true;
  }
}

/** The viewer's Content-Security-Policy: its own scripts and styles only, nothing inline, no framing. */
export const CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "font-src 'self'",
  "manifest-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/** Headers every response carries. No CORS headers are ever sent. */
export function securityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
}
