// Response shapes recorded from the providers' APIs (ids and fingerprints replaced), replayed by
// the fake provider. Token counts here are what the tests expect on the spans.

export const openaiChat = {
  id: 'chatcmpl-Bx7q2fQYd3VZkGx1',
  object: 'chat.completion',
  created: 1764900000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Paris is the capital of France.', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290,
    prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_a1b2c3d4e5',
};

export const openaiToolCall = {
  id: 'chatcmpl-Bx7q2fQYtool',
  object: 'chat.completion',
  created: 1764900001,
  model: 'gpt-4.1-2025-04-14',
  choices: [{
    index: 0,
    message: {
      role: 'assistant', content: null, refusal: null, annotations: [],
      tool_calls: [
        { id: 'call_Qm1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_Qm2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' } },
      ],
    },
    logprobs: null, finish_reason: 'tool_calls',
  }],
  usage: { prompt_tokens: 80, completion_tokens: 40, total_tokens: 120, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
  system_fingerprint: 'fp_tool',
};

/** chat.completion.chunk events, usage in the final chunk (stream_options.include_usage). */
export function openaiChatChunks(n = 5) {
  const base = { id: 'chatcmpl-Bx7stream', object: 'chat.completion.chunk', created: 1764900002, model: 'gpt-4o-mini-2024-07-18', service_tier: 'default', system_fingerprint: 'fp_s1' };
  const out = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], usage: null }];
  for (let i = 0; i < n; i++) out.push({ ...base, choices: [{ index: 0, delta: { content: `tok${i} ` }, logprobs: null, finish_reason: null }], usage: null });
  out.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null });
  out.push({ ...base, choices: [], usage: { prompt_tokens: 42, completion_tokens: n, total_tokens: 42 + n, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } } });
  return out;
}

export function openaiSse(chunks) {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
}

export const openaiEmbeddings = {
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: [0.0023, -0.0091, 0.0154] }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 8, total_tokens: 8 },
};

export const openaiRateLimit = { error: { message: 'Rate limit reached for gpt-4o-mini in organization org-x on tokens per min (TPM).', type: 'tokens', param: null, code: 'rate_limit_exceeded' } };

export const anthropicMessage = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-20250514',
  content: [{ type: 'text', text: 'Hello! The capital of France is Paris.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 12, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10000, output_tokens: 321, service_tier: 'standard' },
};

export const anthropicToolUse = {
  id: 'msg_01ToolUse', type: 'message', role: 'assistant', model: 'claude-3-5-haiku-20241022',
  content: [
    { type: 'text', text: 'Let me check.' },
    { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
  ],
  stop_reason: 'tool_use', stop_sequence: null,
  usage: { input_tokens: 400, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 60 },
};

/** Anthropic's event stream: usage in message_start and the final message_delta. */
export function anthropicEvents(n = 3) {
  const ev = [
    ['message_start', { type: 'message_start', message: { id: 'msg_01Stream', type: 'message', role: 'assistant', model: 'claude-sonnet-4-20250514', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 1 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['ping', { type: 'ping' }],
  ];
  for (let i = 0; i < n; i++) ev.push(['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `word${i} ` } }]);
  ev.push(['content_block_stop', { type: 'content_block_stop', index: 0 }]);
  ev.push(['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 15 } }]);
  ev.push(['message_stop', { type: 'message_stop' }]);
  return ev;
}

export function anthropicSse(events) {
  return events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

export const anthropicOverloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_011' };
export const anthropicRateLimit = { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } };

export const geminiResponse = {
  candidates: [{ content: { parts: [{ text: 'Paris.' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 30, thoughtsTokenCount: 18 },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'gemini-resp-1',
};

export const openaiResponse = {
  id: 'resp_67ccd2bed1ec8190', object: 'response', created_at: 1764900003, status: 'completed', model: 'gpt-4.1-2025-04-14',
  output: [
    { type: 'reasoning', id: 'rs_1', summary: [] },
    { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'lookup', arguments: '{"q":"paris"}', status: 'completed' },
    { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Paris.', annotations: [] }] },
  ],
  usage: { input_tokens: 300, input_tokens_details: { cached_tokens: 100 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 20 }, total_tokens: 350 },
};

export function openaiResponseEvents() {
  const created = { ...openaiResponse, status: 'in_progress', output: [], usage: null };
  return [
    ['response.created', { type: 'response.created', sequence_number: 0, response: created }],
    ['response.output_text.delta', { type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Paris' }],
    ['response.output_text.delta', { type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_1', output_index: 0, content_index: 0, delta: '.' }],
    ['response.completed', { type: 'response.completed', sequence_number: 3, response: openaiResponse }],
  ];
}

/** A streamed answer with two tool calls, their arguments in pieces (chat.completion.chunk). */
export function openaiToolChunks() {
  const base = { id: 'chatcmpl-Bx7tools', object: 'chat.completion.chunk', created: 1764900004, model: 'gpt-4.1-2025-04-14', system_fingerprint: 'fp_t' };
  const d = (delta, finish = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
  return [
    d({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }], refusal: null }),
    d({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    d({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    d({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } }] }),
    d({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }),
    d({}, 'tool_calls'),
    { ...base, choices: [], usage: { prompt_tokens: 80, completion_tokens: 40, total_tokens: 120 } },
  ];
}
