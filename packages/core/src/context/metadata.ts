import { context, createContextKey, type Attributes, type Context } from '@opentelemetry/api';
import { activeRequest } from './context.js';
import type { RequestMetadata } from '../types.js';

/** Attribute names for the well-known metadata keys; any other key becomes `tracekit.metadata.<key>`. */
export const METADATA_ATTRIBUTES: Readonly<Record<string, string>> = {
  userId: 'user.id',
  sessionId: 'session.id',
  chatId: 'tracekit.chat.id',
  organizationId: 'tracekit.organization.id',
};

/** The span attributes for a request's metadata. */
export function metadataAttributes(metadata: RequestMetadata): Attributes {
  const out: Attributes = {};
  for (const key in metadata) {
    const value = metadata[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    out[METADATA_ATTRIBUTES[key] ?? `tracekit.metadata.${key}`] = value;
  }
  return out;
}

/** True for the attribute names that hold metadata (exempt from key-name redaction). */
export function isMetadataAttribute(key: string): boolean {
  return key.startsWith('tracekit.metadata.') || Object.values(METADATA_ATTRIBUTES).includes(key);
}

const SCOPED_KEY = createContextKey('tracekit.metadata');

/** Metadata scoped with `withMetadata` in the current async flow (outer scopes merged in). */
export function scopedMetadata(): RequestMetadata | undefined {
  return context.active().getValue(SCOPED_KEY) as RequestMetadata | undefined;
}

/** Metadata scoped with `withMetadata` in `ctx`. */
export function scopedMetadataOf(ctx: Context): RequestMetadata | undefined {
  return ctx.getValue(SCOPED_KEY) as RequestMetadata | undefined;
}

/**
 * The metadata in effect here: the request's `setMetadata` identifiers with any `withMetadata`
 * scope merged over them. `undefined` when there is none.
 */
export function currentMetadata(): RequestMetadata | undefined {
  const request = activeRequest()?.metadata;
  const scoped = scopedMetadata();
  if (!scoped) return request;
  return request ? { ...request, ...scoped } : scoped;
}

/**
 * Runs `fn` with `metadata` in effect for its whole async flow: spans, AI calls and `trackEvent`
 * records made inside carry it (`chatId` also becomes `gen_ai.conversation.id`), as they do with
 * `setMetadata` in a request. For scripts, queue consumers and other work outside requests; nested
 * scopes merge, the inner winning. Returns what `fn` returns (a promise stays a promise).
 *
 * @example
 * await tracekit.withMetadata({ chatId: job.chatId, userId: job.userId }, () => summarise(job));
 */
export function withMetadata<T>(metadata: RequestMetadata, fn: () => T): T {
  if (metadata === null || typeof metadata !== 'object') return fn();
  const outer = scopedMetadata();
  const merged = outer ? { ...outer, ...metadata } : { ...metadata };
  return context.with(context.active().setValue(SCOPED_KEY, merged), fn);
}
