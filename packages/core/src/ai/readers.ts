import { createAnthropicReader } from './anthropic-parser.js';
import { createGeminiReader } from './gemini-parser.js';
import { createOpenAIReader } from './openai-parser.js';
import type { ReaderOptions, ResponseReader } from './reader.js';
import type { AICallFacts } from './types.js';

/** The response reader for the API a call speaks. */
export function createReader(facts: AICallFacts, opts: ReaderOptions): ResponseReader {
  switch (facts.api) {
    case 'anthropic':
      return createAnthropicReader(facts, opts);
    case 'gemini':
      return createGeminiReader(facts, opts);
    default:
      return createOpenAIReader(facts, opts);
  }
}
