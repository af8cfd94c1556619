/**
 * Attribute names of AI spans. The `gen_ai.*` names follow the OpenTelemetry GenAI semantic
 * conventions (v1.38, experimental; `@opentelemetry/semantic-conventions/incubating` has them,
 * declared here once so core does not depend on the incubating entry point). `tracekit.*` names
 * are TraceKit's own (cost and diagnostics the conventions do not cover).
 */
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestStream: 'gen_ai.request.stream',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationTokens: 'gen_ai.usage.cache_creation.input_tokens',
  /** Not (yet) in the conventions: reasoning tokens, already counted in the output tokens. */
  reasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  conversationId: 'gen_ai.conversation.id',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolCalls: 'tracekit.ai.tool_calls',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  statusCode: 'http.response.status_code',
} as const;

/** TraceKit's cost and diagnostic attributes on AI spans. */
export const TK_AI = {
  cost: 'tracekit.cost.usd',
  costInput: 'tracekit.cost.input_usd',
  costOutput: 'tracekit.cost.output_usd',
  costCacheRead: 'tracekit.cost.cache_read_usd',
  costCacheWrite: 'tracekit.cost.cache_write_usd',
  unknownModel: 'tracekit.cost.unknown_model',
  priceTable: 'tracekit.cost.price_table',
  aborted: 'tracekit.ai.aborted',
  truncated: 'tracekit.ai.response_truncated',
  source: 'tracekit.ai.source',
  retryAfter: 'tracekit.ai.retry_after',
  errorMessage: 'tracekit.ai.error_message',
} as const;
