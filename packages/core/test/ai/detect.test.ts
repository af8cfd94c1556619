import { describe, expect, it } from 'vitest';
import { detectAIRequest } from '../../src/ai/detect.js';
import { declareProviders } from '../../src/ai/providers.js';

const headers = (h: Record<string, string>) => (n: string) => h[n];
const json = headers({ 'content-type': 'application/json' });
const anthropic = headers({ 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });

describe('detectAIRequest', () => {
  it('recognises OpenAI-shaped calls on any host, naming known providers', () => {
    expect(detectAIRequest('POST', 'https://api.openai.com', '/v1/chat/completions', json, [])).toMatchObject({ api: 'openai', operation: 'chat', provider: 'openai', host: 'api.openai.com', port: 443 });
    expect(detectAIRequest('POST', 'http://127.0.0.1:8000', '/v1/chat/completions', json, [])).toMatchObject({ provider: 'openai', port: 8000 });
    expect(detectAIRequest('POST', 'http://localhost:11434', '/v1/chat/completions', json, [])).toMatchObject({ provider: 'ollama' });
    expect(detectAIRequest('POST', 'https://api.groq.com', '/openai/v1/chat/completions', json, [])).toMatchObject({ provider: 'groq' });
    expect(detectAIRequest('POST', 'https://api.mistral.ai', '/v1/chat/completions', json, [])).toMatchObject({ provider: 'mistral_ai' });
    expect(detectAIRequest('POST', 'https://my-res.openai.azure.com', '/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21', json, [])).toMatchObject({ provider: 'azure.ai.openai', operation: 'chat' });
    expect(detectAIRequest('POST', 'http://127.0.0.1:1', '/v1/responses', json, [])).toMatchObject({ endpoint: 'responses', operation: 'chat' });
    expect(detectAIRequest('POST', 'http://127.0.0.1:1', '/v1/embeddings', json, [])).toMatchObject({ operation: 'embeddings' });
  });

  it('recognises Anthropic by /v1/messages plus the anthropic-version header', () => {
    expect(detectAIRequest('POST', 'https://api.anthropic.com', '/v1/messages', anthropic, [])).toMatchObject({ api: 'anthropic', provider: 'anthropic' });
    expect(detectAIRequest('POST', 'http://127.0.0.1:9', '/v1/messages', anthropic, [])).toMatchObject({ api: 'anthropic', provider: 'anthropic' });
    expect(detectAIRequest('POST', 'http://127.0.0.1:9', '/v1/messages', json, [])).toBeUndefined();
  });

  it('recognises Gemini with the model and streaming from the path', () => {
    expect(detectAIRequest('POST', 'https://generativelanguage.googleapis.com', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', json, [])).toMatchObject({
      api: 'gemini', provider: 'gcp.gemini', operation: 'generate_content', model: 'gemini-2.5-flash', stream: true,
    });
  });

  it('leaves everything else alone', () => {
    expect(detectAIRequest('GET', 'https://api.openai.com', '/v1/chat/completions', json, [])).toBeUndefined();
    expect(detectAIRequest('POST', 'http://shop.local', '/api/orders', json, [])).toBeUndefined();
    expect(detectAIRequest('POST', 'http://shop.local', '/surveys/responses', json, [])).toBeUndefined();
    expect(detectAIRequest('POST', 'http://127.0.0.1:1', '/v1/chat/completions', headers({ 'content-type': 'text/plain' }), [])).toBeUndefined();
  });

  it('uses declared providers for other base URLs, paths and names', () => {
    const declared = declareProviders([{ baseURL: 'https://llm.internal:8443/gateway', name: 'my-gateway', api: 'anthropic' }]);
    expect(detectAIRequest('POST', 'https://llm.internal:8443', '/gateway/generate', json, declared)).toMatchObject({ provider: 'my-gateway', api: 'anthropic' });
    expect(detectAIRequest('POST', 'https://llm.internal:8443', '/gateway/v1/chat/completions', json, declared)).toMatchObject({ provider: 'my-gateway', api: 'openai' });
    expect(detectAIRequest('POST', 'https://llm.internal:8443', '/other', json, declared)).toBeUndefined();
  });
});
