import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMetadata, shutdown, withMetadata, withSpan } from '../../src/index.js';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';

describe('withMetadata', () => {
  let tracing: TestTracing;
  beforeAll(async () => {
    tracing = await setupTestTracing();
  });
  afterAll(() => shutdown());

  it('tags every span started in the block, nested spans included, and none outside it', async () => {
    tracing.reset();
    await withMetadata({ chatId: 'chat-9', userId: 'u-1', queue: 'emails' }, async () => {
      await withSpan('job.run', async () => {
        await withSpan('job.step', async () => undefined);
      });
    });
    await withSpan('after.block', async () => undefined);
    const spans = await tracing.spans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    for (const name of ['job.run', 'job.step']) {
      expect(byName.get(name)?.attributes).toMatchObject({ 'tracekit.chat.id': 'chat-9', 'user.id': 'u-1', 'tracekit.metadata.queue': 'emails' });
    }
    expect(byName.get('after.block')?.attributes['user.id']).toBeUndefined();
    expect(byName.get('after.block')?.attributes['tracekit.chat.id']).toBeUndefined();
  });

  it('nested blocks merge, the inner winning; setMetadata of an enclosing request is kept under it', async () => {
    tracing.reset();
    await withMetadata({ userId: 'outer', sessionId: 's-1' }, () =>
      withMetadata({ userId: 'inner' }, () => withSpan('inner.work', async () => undefined)),
    );
    const [span] = (await tracing.spans()).filter((s) => s.name === 'inner.work');
    expect(span?.attributes).toMatchObject({ 'user.id': 'inner', 'session.id': 's-1' });
    // Outside a request, setMetadata has nothing to tag and never throws.
    expect(() => setMetadata({ userId: 'x' })).not.toThrow();
  });
});
