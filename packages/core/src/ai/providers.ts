import type { AIApi, AIProviderOption } from './types.js';

/**
 * Known provider hosts → `gen_ai.provider.name` (the conventions' well-known values where they
 * exist). Suffix entries start with a dot. A host not listed gets the name of the API it speaks.
 */
const KNOWN_HOSTS: ReadonlyArray<readonly [string, string]> = [
  ['api.openai.com', 'openai'],
  ['api.anthropic.com', 'anthropic'],
  ['.openai.azure.com', 'azure.ai.openai'],
  ['.services.ai.azure.com', 'azure.ai.inference'],
  ['api.mistral.ai', 'mistral_ai'],
  ['api.groq.com', 'groq'],
  ['api.deepseek.com', 'deepseek'],
  ['api.x.ai', 'x_ai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.together.xyz', 'together_ai'],
  ['api.fireworks.ai', 'fireworks_ai'],
  ['openrouter.ai', 'openrouter'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['-aiplatform.googleapis.com', 'gcp.vertex_ai'],
];

/** Local servers recognised by their default port. */
const KNOWN_LOCAL_PORTS: Readonly<Record<string, string>> = { '11434': 'ollama', '1234': 'lm_studio' };
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True for hosts that only serve AI APIs (their calls are AI calls whatever the path prefix). */
export function isKnownAIHost(host: string): boolean {
  return knownHostName(host) !== undefined;
}

function knownHostName(host: string): string | undefined {
  for (const [pattern, name] of KNOWN_HOSTS) {
    if (pattern.charCodeAt(0) === 46 /* . */ || pattern.charCodeAt(0) === 45 /* - */ ? host.endsWith(pattern) : host === pattern) return name;
  }
  return undefined;
}

/** The provider name for a call to `host:port` speaking `api`. */
export function providerName(host: string, port: string, api: AIApi): string {
  const known = knownHostName(host);
  if (known) return known;
  if (LOCAL_HOSTS.has(host)) {
    const local = KNOWN_LOCAL_PORTS[port];
    if (local) return local;
  }
  return api === 'gemini' ? 'gcp.gemini' : api;
}

/** A declared provider, normalised for matching. */
export interface DeclaredProvider {
  /** `https://host:port` (lower case, default ports dropped). */
  origin: string;
  /** The path prefix without a trailing slash (`''` for the root). */
  pathPrefix: string;
  name: string;
  api: AIApi | undefined;
}

/** Normalises `ai.providers` entries; throws a plain Error naming the bad entry (config turns it into a TracekitConfigError). */
export function declareProviders(options: AIProviderOption[] | undefined): DeclaredProvider[] {
  if (!options) return [];
  return options.map((p, i) => {
    if (!p || typeof p !== 'object' || typeof p.name !== 'string' || p.name === '' || typeof p.baseURL !== 'string') {
      throw new Error(`ai.providers[${i}] must be { baseURL: string, name: string, api?: 'openai' | 'anthropic' | 'gemini' }`);
    }
    let url: URL;
    try {
      url = new URL(p.baseURL);
    } catch {
      throw new Error(`ai.providers[${i}].baseURL is not an absolute URL: ${JSON.stringify(p.baseURL)}`);
    }
    if (p.api !== undefined && p.api !== 'openai' && p.api !== 'anthropic' && p.api !== 'gemini') {
      throw new Error(`ai.providers[${i}].api must be 'openai', 'anthropic' or 'gemini'`);
    }
    return { origin: url.origin.toLowerCase(), pathPrefix: url.pathname.replace(/\/+$/, ''), name: p.name, api: p.api };
  });
}

/** The declared provider a request falls under, if any. */
export function matchDeclared(declared: readonly DeclaredProvider[], origin: string, path: string): DeclaredProvider | undefined {
  for (const d of declared) {
    if (origin === d.origin && (d.pathPrefix === '' || path === d.pathPrefix || path.startsWith(d.pathPrefix + '/'))) return d;
  }
  return undefined;
}
