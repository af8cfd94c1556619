// AI calls traced with no code change: the official SDKs are used as usual, TraceKit is
// initialised, and every call becomes one CLIENT span with tokens, cost and the conversation ID.
//
//   npm run build && node examples/ai/app.js && npx tracekit view
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import * as tracekit from '@tracekit/core';
import { startFakeProvider } from './fake-provider.js';

const provider = await startFakeProvider();
const client = tracekit.init({ serviceName: 'ai-example' });

// The real SDKs, pointed at the local stand-in. With real keys and no baseURL they call the real APIs.
const openai = new OpenAI({ apiKey: 'sk-example-not-a-real-key-000000', baseURL: `${provider.url}/v1` });
const anthropic = new Anthropic({ apiKey: 'sk-ant-example-not-a-real-key-00', baseURL: provider.url });

// A job outside any web request: withMetadata tags its AI calls (chatId → gen_ai.conversation.id).
await tracekit.withMetadata({ chatId: 'chat-1001', userId: 'user-7' }, () =>
  tracekit.withSpan('answer question', async () => {
    const answer = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of France?' }] });
    console.log('openai:', answer.choices[0].message.content);

    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say it in a sentence.' }],
      stream: true,
      stream_options: { include_usage: true }, // OpenAI streams report tokens only when asked to
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    console.log('openai stream:', text);

    const reply = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages: [{ role: 'user', content: 'Say hello in French.' }] });
    console.log('anthropic:', reply.content[0].text);
    tracekit.trackEvent('answer.shown', { answers: 3 });
  }),
);

// A provider TraceKit does not detect: record the call by hand.
tracekit.recordAICall({ provider: 'aws.bedrock', model: 'claude-3-5-haiku', inputTokens: 900, outputTokens: 120, durationMs: 850 });

const s = client.stats();
console.log(`AI calls: ${s.aiCalls}, input tokens: ${s.aiInputTokens}, output tokens: ${s.aiOutputTokens}, cost: $${s.aiCostUsd.toFixed(6)}`);
await tracekit.shutdown();
provider.close();
console.log(`spans written to ${client.config.file}`);
