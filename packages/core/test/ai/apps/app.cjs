// A CommonJS app: the SDKs are loaded and a client is built BEFORE TraceKit, with no loader flag.
const OpenAI = require('openai');
const Anthropic = require('@anthropic-ai/sdk');
const openai = new OpenAI({ apiKey: 'sk-test-childapp-0123456789abcdef', baseURL: `${process.env.FAKE_URL}/v1`, maxRetries: 0 });
const tracekit = require('@tracekit/core');
const { scenarios } = require('./scenarios.cjs');

tracekit.init({ serviceName: 'ai-app-cjs', handleShutdown: false });
const anthropic = new Anthropic({ apiKey: 'sk-ant-childapp-0123456789abcdef', baseURL: process.env.FAKE_URL, maxRetries: 0 });

scenarios(tracekit, openai, anthropic, OpenAI, Anthropic)
  .then((results) => {
    const stats = tracekit.getClient()?.stats() ?? {};
    return tracekit.shutdown().then(() => process.stdout.write(JSON.stringify({ results, stats })));
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
