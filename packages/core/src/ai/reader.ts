import type { AICallFacts } from './types.js';

/** Reads one provider's responses into a call's facts. Never throws on odd input. */
export interface ResponseReader {
  /** A whole non-streamed body, already parsed (success or error). */
  json(body: unknown): void;
  /** One Server-Sent Event of a streamed body. */
  event(name: string, data: string): void;
}

/** What a reader needs besides the facts. */
export interface ReaderOptions {
  /** Keep output text and tool calls (`captureAIContent`). */
  capture: boolean;
  /** Characters of output kept when capturing. */
  limit: number;
}

/** Adds a finish reason once. */
export function addFinishReason(facts: AICallFacts, reason: unknown): void {
  if (typeof reason === 'string' && reason !== '' && !facts.finishReasons.includes(reason)) facts.finishReasons.push(reason);
}
