import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The port is taken (or not ours to take). */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use (another viewer, or an OpenTelemetry Collector?); choose another with --port`);
    this.name = 'PortInUseError';
  }
}

/**
 * The addresses to listen on for a `--host` value. No value, or `localhost`, means both loopback
 * addresses: `localhost` resolves to `::1` first on many systems (Node 17+ keeps the resolver's
 * order), and a viewer only on 127.0.0.1 would then refuse `http://localhost:4318`. The IPv6 one
 * is optional: a machine without IPv6 loopback listens on 127.0.0.1 alone.
 */
export function listenAddresses(host: string | undefined): { required: string; optional?: string } {
  if (host === undefined || host.toLowerCase() === 'localhost') return { required: '127.0.0.1', optional: '::1' };
  return { required: host };
}

/** Errors that mean "this machine has no such address" (no IPv6 loopback, IPv6 turned off). */
const NO_ADDRESS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL', 'ENOTFOUND']);

function listenOn(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/**
 * Listens with one server per address on one port: the required address first (port 0 picks a
 * free one), then the optional one on the same port. When the optional address does not exist
 * here it is left out; when its port is taken, a picked port is picked again (a few times) and a
 * chosen one fails with {@link PortInUseError}, since `localhost` would then reach another program.
 */
export async function listenLoopback(create: () => http.Server, host: string | undefined, port: number): Promise<{ servers: http.Server[]; addresses: string[]; port: number }> {
  const { required, optional } = listenAddresses(host);
  for (let attempt = 0; ; attempt++) {
    const first = create();
    try {
      await listenOn(first, port, required);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw code === 'EADDRINUSE' || code === 'EACCES' ? new PortInUseError(required, port) : err;
    }
    const bound = (first.address() as AddressInfo).port;
    if (optional === undefined) return { servers: [first], addresses: [required], port: bound };
    const second = create();
    try {
      await listenOn(second, bound, optional);
      return { servers: [first, second], addresses: [required, optional], port: bound };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (NO_ADDRESS.has(code)) return { servers: [first], addresses: [required], port: bound };
      await closeServer(first);
      if ((code === 'EADDRINUSE' || code === 'EACCES') && port === 0 && attempt < 4) continue;
      throw code === 'EADDRINUSE' || code === 'EACCES' ? new PortInUseError(optional, bound) : err;
    }
  }
}
