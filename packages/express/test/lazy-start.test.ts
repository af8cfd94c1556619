import { afterEach, describe, expect, it } from 'vitest';
import * as tracekit from '../src/index.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the client starts with the app, not at its first request', () => {
  afterEach(async () => {
    await tracekit.shutdown();
    delete process.env.TRACEKIT_EXPORTER;
  });

  it('without init(), the adapter starts the client from the environment on the next turn', async () => {
    await tracekit.shutdown();
    process.env.TRACEKIT_EXPORTER = 'none';
    tracekit.express();
    expect(tracekit.getClient()).toBeUndefined();
    await tick();
    expect(tracekit.getClient()?.config.exporter).toBe('none');
  });

  it('an init() in the setup code after the adapter still configures the client', async () => {
    await tracekit.shutdown();
    tracekit.express();
    const client = tracekit.init({ serviceName: 'after-the-adapter', exporter: 'none' });
    await tick();
    expect(tracekit.getClient()).toBe(client);
    expect(client.config.serviceName).toBe('after-the-adapter');
  });
});
