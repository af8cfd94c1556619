import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixture app's folder (its files are the "project" whose source the viewer shows). */
export const SHOP_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'shop');

export interface ShopApp {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts test/fixtures/shop/server.mjs with extra environment variables; resolves once it listens. */
export function startShop(env: Record<string, string>): Promise<ShopApp> {
  const child = spawn(process.execPath, [path.join(SHOP_DIR, 'server.mjs')], {
    cwd: SHOP_DIR,
    env: { ...process.env, TRACEKIT_BATCH_DELAY_MS: '20', TRACEKIT_APP_ROOT: SHOP_DIR, TRACEKIT_SERVICE_NAME: 'shop-test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`shop app exited with ${code}: ${stderr}`)));
  });
}
