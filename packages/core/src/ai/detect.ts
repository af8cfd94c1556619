import { isKnownAIHost, matchDeclared, providerName, type DeclaredProvider } from './providers.js';
import type { AIApi } from './types.js';

/** What the request's shape says about an AI call. */
export interface AIRequestShape {
  api: AIApi;
  /** `gen_ai.operation.name`: `chat`, `embeddings`, `text_completion`, `generate_content`. */
  operation: string;
  provider: string;
  /** `responses` for OpenAI's Responses API (its stream events differ from chat completions). */
  endpoint: 'chat' | 'responses' | 'embeddings' | 'completions' | 'messages' | 'gemini';
  host: string;
  port: number;
  /** Gemini names the model and streaming in the path. */
  model?: string;
  stream?: boolean;
}

type Kind = AIRequestShape['endpoint'];

/** The endpoint a path (without its query) names, by its suffix. Cheap: a few `endsWith`. */
function pathKind(p: string): Kind | undefined {
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/messages')) return 'messages';
  if (p.endsWith('/responses')) return 'responses';
  if (p.endsWith('/embeddings')) return 'embeddings';
  if (p.endsWith('/completions')) return 'completions';
  if (p.endsWith('Content') && (p.endsWith(':generateContent') || p.endsWith(':streamGenerateContent') || p.endsWith(':embedContent'))) return 'gemini';
  return undefined;
}

const OPERATIONS: Record<Kind, string> = {
  chat: 'chat',
  responses: 'chat',
  messages: 'chat',
  embeddings: 'embeddings',
  completions: 'text_completion',
  gemini: 'generate_content',
};

function splitOrigin(origin: string): { host: string; port: string; secure: boolean } {
  const secure = origin.startsWith('https:');
  const rest = origin.slice(origin.indexOf('//') + 2);
  const slash = rest.indexOf('/');
  const hostPort = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  const bracket = hostPort.lastIndexOf(']');
  const colon = hostPort.lastIndexOf(':');
  if (colon > bracket) return { host: hostPort.slice(0, colon).replace(/^\[|\]$/g, ''), port: hostPort.slice(colon + 1), secure };
  return { host: hostPort.replace(/^\[|\]$/g, ''), port: secure ? '443' : '80', secure };
}

/**
 * Recognises an AI call by its shape: a JSON POST to `…/chat/completions`, `…/responses`,
 * `…/embeddings`, `…/completions` under `/v1/` or `/openai/` (OpenAI and compatible servers, Azure
 * included), `…/v1/messages` with an `anthropic-version` header (Anthropic), Gemini's
 * `models/{model}:generateContent` family, or anything under a declared `ai.providers` base URL.
 * Anything else costs a method comparison (non-POST) or a few `endsWith` (POST).
 */
export function detectAIRequest(
  method: string,
  origin: string,
  path: string,
  header: (name: string) => string | undefined,
  declared: readonly DeclaredProvider[],
): AIRequestShape | undefined {
  if (method !== 'POST' && method !== 'post') return undefined;
  const q = path.indexOf('?');
  const p = q === -1 ? path : path.slice(0, q);
  let kind = pathKind(p);
  let declaredProvider: DeclaredProvider | undefined;
  if (declared.length > 0) {
    const o = splitOrigin(origin);
    const normalized = `${o.secure ? 'https' : 'http'}://${o.host.includes(':') ? `[${o.host}]` : o.host}${(o.secure && o.port === '443') || (!o.secure && o.port === '80') ? '' : `:${o.port}`}`;
    declaredProvider = matchDeclared(declared, normalized, p);
  }
  if (kind === undefined && declaredProvider === undefined) return undefined;
  const contentType = header('content-type');
  if (contentType !== undefined && !contentType.includes('json')) return undefined;
  const { host, port } = splitOrigin(origin);
  let api: AIApi;
  if (kind === 'messages') {
    if (header('anthropic-version') === undefined && host !== 'api.anthropic.com' && declaredProvider?.api !== 'anthropic') return undefined;
    api = 'anthropic';
  } else if (kind === 'gemini') {
    api = 'gemini';
  } else if (kind !== undefined) {
    if (!declaredProvider && !p.includes('/v1/') && !p.includes('/openai/') && !p.startsWith('/v1') && !isKnownAIHost(host)) return undefined;
    api = 'openai';
  } else {
    api = declaredProvider!.api ?? 'openai';
    kind = api === 'anthropic' ? 'messages' : api === 'gemini' ? 'gemini' : 'chat';
  }
  const shape: AIRequestShape = {
    api,
    operation: OPERATIONS[kind],
    provider: declaredProvider?.name ?? providerName(host, port, api),
    endpoint: kind,
    host,
    port: Number(port),
  };
  if (kind === 'gemini') {
    const m = /\/models\/([^/:]+):(\w+)$/.exec(p);
    if (m) {
      shape.model = decodeURIComponent(m[1]!);
      shape.stream = m[2] === 'streamGenerateContent';
      if (m[2] === 'embedContent') shape.operation = 'embeddings';
    }
  }
  return shape;
}

/** The cheapest first test, before any header is read: could a POST to this path be an AI call? */
export function mightBeAIPath(path: string, declared: readonly DeclaredProvider[]): boolean {
  if (declared.length > 0) return true;
  const q = path.indexOf('?');
  return pathKind(q === -1 ? path : path.slice(0, q)) !== undefined;
}
