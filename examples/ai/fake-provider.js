// A stand-in for the OpenAI and Anthropic APIs on 127.0.0.1, so the example runs offline and
// costs nothing. It answers with the same JSON and Server-Sent Events shapes the real APIs use.
import http from 'node:http';

const chat = (model) => ({
  id: 'chatcmpl-example1', object: 'chat.completion', created: 1764900000, model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } },
});

function chatStream(res, model) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const base = { id: 'chatcmpl-example2', object: 'chat.completion.chunk', created: 1764900001, model };
  const words = ['Paris', ' is', ' the', ' capital', '.'];
  const events = [
    ...words.map((w) => ({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }], usage: null })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null },
    { ...base, choices: [], usage: { prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 } },
  ];
  let i = 0;
  const next = () => {
    if (i < events.length) {
      res.write(`data: ${JSON.stringify(events[i++])}\n\n`);
      setTimeout(next, 20);
    } else res.end('data: [DONE]\n\n');
  };
  next();
}

const message = (model) => ({
  id: 'msg_example3', type: 'message', role: 'assistant', model,
  content: [{ type: 'text', text: 'Bonjour !' }], stop_reason: 'end_turn', stop_sequence: null,
  usage: { input_tokens: 20, cache_read_input_tokens: 3000, cache_creation_input_tokens: 0, output_tokens: 12 },
});

export function startFakeProvider() {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const params = JSON.parse(body || '{}');
      if (req.url.endsWith('/chat/completions')) {
        if (params.stream) return chatStream(res, `${params.model}-2024-07-18`);
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(chat(`${params.model}-2024-07-18`)));
      }
      if (req.url.endsWith('/messages')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(message(params.model)));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"type":"not_found","message":"unknown path"}}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}
