// The calls both child apps make, each inside its own parent span named after the scenario.
const PROMPT = 'Tell me about Paris. My card is 4111 1111 1111 1111.';
const messages = [{ role: 'user', content: PROMPT }];

async function scenarios(tracekit, openai, anthropic, OpenAI, Anthropic) {
  const results = {};
  const run = (name, fn) => tracekit.withSpan(name, fn).then((v) => (results[name] = v), (e) => (results[name] = { error: e.constructor.name, status: e.status }));
  await run('openai.json', async () => (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages })).usage);
  await run('openai.stream', async () => {
    const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    let n = 0;
    for await (const _ of s) n++;
    return n;
  });
  await run('openai.break', async () => {
    const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, { headers: { 'x-fake': 'slow-stream', 'x-fake-chunks': '100' } });
    let n = 0;
    for await (const _ of s) if (++n === 2) break;
    return n;
  });
  await run('openai.abort', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    return openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, { headers: { 'x-fake': 'hang' }, signal: ac.signal });
  });
  await run('openai.asResponse', async () => (await (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse()).json()).id);
  await run('openai.429', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, { headers: { 'x-fake': '429' } }));
  await run('anthropic.json', async () => (await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages })).usage);
  await run('anthropic.stream', async () => {
    const s = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages, stream: true });
    let n = 0;
    for await (const _ of s) n++;
    return n;
  });
  await run('anthropic.error-midway', async () => {
    const s = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages, stream: true }, { headers: { 'x-fake': 'stream-error' } });
    for await (const _ of s) void _;
  });
  return results;
}

module.exports = { scenarios, PROMPT };
