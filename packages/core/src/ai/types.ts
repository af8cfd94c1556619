/** The wire API a call speaks, which decides how its request and response are read. */
export type AIApi = 'openai' | 'anthropic' | 'gemini';

/** Token counts, normalised across providers (`input` includes cached tokens, see docs/ai.md). */
export interface AIUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

/** A provider declared with the `ai.providers` option. */
export interface AIProviderOption {
  /** The base URL the provider is called at (`https://llm.internal/gateway`); a request under it is an AI call. */
  baseURL: string;
  /** `gen_ai.provider.name` of its spans. */
  name: string;
  /** The API it speaks. Default: recognised from the request's path and headers, else `openai`. */
  api?: AIApi;
}

/** A price per million tokens in USD; tiers apply above an input size. */
export interface AIPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Prices for prompts larger than `aboveInputTokens` input tokens (long-context pricing). */
  tiers?: Array<{ aboveInputTokens: number; input: number; output: number; cacheRead?: number; cacheWrite?: number }>;
}

/** The `ai` option of `init()`. */
export interface AIOptions {
  /** Detect AI calls made with `fetch`/`http` with no code change. Default `true` (`TRACEKIT_AI`). */
  enabled?: boolean;
  /** More providers: base URLs, names and APIs (see docs/ai.md). */
  providers?: AIProviderOption[];
  /** Price overrides, model name → USD per million tokens; they win over the shipped table (also `TRACEKIT_AI_PRICING=<file>`). */
  pricing?: Record<string, AIPrice>;
  /** Characters kept of `gen_ai.input.messages` / `gen_ai.output.messages` when `captureAIContent` is on. Default 8192. */
  maxContentLength?: number;
}

/** What is known about one AI call, filled in from its request, its response and its SDK. */
export interface AICallFacts {
  api: AIApi;
  operation: string;
  provider: string;
  requestModel?: string | undefined;
  stream?: boolean | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  responseModel?: string | undefined;
  responseId?: string | undefined;
  finishReasons: string[];
  usage: AIUsage;
  toolCalls: number;
  /** The provider's error type (`rate_limit_error`, `invalid_request_error`) or a network error's name. */
  errorType?: string | undefined;
  errorMessage?: string | undefined;
  /** Captured only with `captureAIContent`: the request's messages as sent. */
  inputMessages?: unknown;
  /** Captured only with `captureAIContent`: the output text and tool calls. */
  outputText?: string;
  outputToolCalls?: Array<{ name?: string; arguments?: string }>;
}

/** A fresh record of facts. */
export function newFacts(api: AIApi, operation: string, provider: string): AICallFacts {
  return { api, operation, provider, finishReasons: [], usage: {}, toolCalls: 0 };
}
