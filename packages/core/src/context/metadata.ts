import type { Attributes } from '@opentelemetry/api';
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
